// The report's export form. Without JavaScript it is a plain GET form: the browser downloads
// /hr/reports.csv or .xlsx (streamed by the server) with its own progress. With JavaScript the
// download is read here chunk by chunk to show rows (CSV) or bytes (XLSX) against the expected
// row count, then handed to the browser as a file.
import { useState, type FormEvent } from "react";
import { ProgressBar } from "~/components/progress-bar";
import { useT } from "~/i18n/i18n";
import { definitionParams, isPersonDimension, type ReportDefinition } from "~/reports/definition";

/** Hidden inputs carrying a definition into another form (save, export). */
export function DefinitionInputs({ definition }: { definition: ReportDefinition }) {
  return (
    <>
      {[...definitionParams(definition).entries()].map(([name, value], i) => (
        <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

type Progress = { rows: number; bytes: number; state: "running" | "done" | "failed" };

/** Roughly how many bytes one XLSX row compresses to (measured: ~45–60), for the bar only. */
const XLSX_BYTES_PER_ROW = 50;

export function ReportExportForm({ definition, estimate }: { definition: ReportDefinition; estimate: number }) {
  const { t, number } = useT();
  const [progress, setProgress] = useState<Progress | null>(null);

  async function download(event: FormEvent<HTMLFormElement>) {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!submitter?.formAction || typeof ReadableStream === "undefined") return;
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const search = new URLSearchParams();
    for (const [key, value] of form) search.append(key, String(value));
    const url = new URL(submitter.formAction, window.location.href);
    url.search = search.toString();
    const isCsv = url.pathname.endsWith(".csv");
    setProgress({ rows: 0, bytes: 0, state: "running" });
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || !response.body) throw new Error(String(response.status));
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let rows = 0;
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.length;
        // CSV rows end in CRLF; a quoted line break inside a cell is LF only.
        if (isCsv) for (let i = 1; i < value.length; i++) if (value[i] === 10 && value[i - 1] === 13) rows++;
        setProgress({ rows: isCsv ? Math.max(0, rows - 1) : Math.round(bytes / XLSX_BYTES_PER_ROW), bytes, state: "running" });
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "report";
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: response.headers.get("Content-Type") ?? "application/octet-stream" }));
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setProgress({ rows: isCsv ? Math.max(0, rows - 1) : estimate, bytes, state: "done" });
    } catch {
      setProgress((p) => ({ rows: p?.rows ?? 0, bytes: p?.bytes ?? 0, state: "failed" }));
    }
  }

  return (
    <form method="get" action="/hr/reports.csv" className="card report-export" aria-labelledby="export-title" onSubmit={download}>
      <h2 id="export-title">{t("reports.export.title")}</h2>
      <DefinitionInputs definition={definition} />
      <fieldset className="field">
        <legend>{t("reports.export.rows")}</legend>
        <label className="check">
          <input type="radio" name="rows" value="people" defaultChecked /> {t("reports.export.rows.people")}
        </label>
        <label className="check">
          <input type="radio" name="rows" value="groups" /> {t("reports.export.rows.groups")}
        </label>
      </fieldset>
      {isPersonDimension(definition.groupBy[0]) ? (
        <label className="check">
          <input type="checkbox" name="sheets" value="group" /> {t("reports.export.sheets")}
        </label>
      ) : null}
      <p className="muted">{t("reports.export.estimate", { count: number(estimate) })}</p>
      <div className="button-row">
        <button type="submit" formAction="/hr/reports.csv" className="button" data-testid="export-csv">
          {t("reports.export.csv")}
        </button>
        <button type="submit" formAction="/hr/reports.xlsx" className="button" data-testid="export-xlsx">
          {t("reports.export.xlsx")}
        </button>
      </div>
      <div aria-live="polite" data-testid="export-progress">
        {progress?.state === "running" ? (
          <ProgressBar
            value={Math.min(progress.rows, estimate)}
            max={Math.max(estimate, 1)}
            label={t("reports.export.progress", { rows: number(progress.rows), total: number(estimate) })}
          />
        ) : progress?.state === "done" ? (
          <p role="status">{t("reports.export.done")}</p>
        ) : progress?.state === "failed" ? (
          <p className="alert alert--error" role="alert">
            {t("reports.export.failed")}
          </p>
        ) : null}
      </div>
    </form>
  );
}
