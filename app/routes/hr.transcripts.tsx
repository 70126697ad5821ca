// GET /hr/transcripts — HR chooses a unit (within their subtree) and years, then downloads one
// verifiable transcript per active person as a ZIP (POST /hr/transcripts.zip). Without JavaScript
// the form posts and the browser shows the download's own progress; with it, the page reads the
// stream itself and counts finished PDFs against the expected total.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { requireRole, unitScopeWhere } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { useT } from "~/i18n/i18n";
import { countPdfEnds, UnitExportSchema } from "~/transcripts/export-form";
import { countUnitPeople } from "~/transcripts/unit-zip.server";
import { db } from "~/utils/db.server";
import { translateError, type FieldErrors } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";

export const meta: MetaFunction = () => [{ title: "批量学分证明 · 小巷学院 Lane Academy" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const units = await db.unit.findMany({
    where: { ...unitScopeWhere(user), archivedAt: null },
    orderBy: [{ path: "asc" }],
    select: { id: true, nameZh: true, nameEn: true, kind: true, path: true },
  });
  const query = new URL(request.url).searchParams;
  const thisYear = shanghaiYear();
  const values = {
    unitId: query.get("unitId") ?? String(units[0]?.id ?? ""),
    fromYear: query.get("fromYear") ?? String(thisYear),
    toYear: query.get("toYear") ?? String(thisYear),
  };
  let errors: FieldErrors = {};
  let count: number | null = null;
  // Values in the query come back from the ZIP route when it refused them: say why.
  if (query.has("unitId")) {
    const parsed = UnitExportSchema.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    }
  }
  const unit = units.find((u) => String(u.id) === values.unitId);
  if (query.has("unitId") && !unit) errors = { ...errors, unitId: "documents.zip.noUnit" };
  if (unit) count = await countUnitPeople({ id: unit.id, path: unit.path, code: "" });
  return json(
    { units: units.map(({ path, ...u }) => ({ ...u, depth: path.split("/").length - 3 })), values, errors, count },
    { headers: { "Cache-Control": "no-store" } },
  );
}

type Progress = { phase: "idle" } | { phase: "running"; done: number; total: number } | { phase: "done"; total: number } | { phase: "failed" };

function fileNameOf(response: Response): string {
  const header = response.headers.get("Content-Disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(header)?.[1];
  return encoded ? decodeURIComponent(encoded) : "transcripts.zip";
}

export default function UnitTranscripts() {
  const { units, values, errors, count } = useLoaderData<typeof loader>();
  const { t, locale, number } = useT();
  const [progress, setProgress] = useState<Progress>({ phase: "idle" });
  const busy = useRef(false);

  async function download(event: FormEvent<HTMLFormElement>) {
    // Without streams (old browsers) the plain form post downloads the file.
    if (typeof ReadableStream === "undefined" || typeof fetch === "undefined") return;
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    const form = event.currentTarget;
    try {
      setProgress({ phase: "running", done: 0, total: 0 });
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      if (response.redirected || !response.body || response.headers.get("Content-Type") !== "application/zip") {
        window.location.assign(response.url);
        return;
      }
      const total = Number(response.headers.get("X-Transcript-Count") ?? 0);
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let tail: Uint8Array = new Uint8Array(0);
      let done = 0;
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        chunks.push(value);
        const counted = countPdfEnds(tail, value);
        tail = counted.tail;
        done += counted.count;
        setProgress({ phase: "running", done, total });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: "application/zip" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = fileNameOf(response);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setProgress({ phase: "done", total: done });
    } catch {
      setProgress({ phase: "failed" });
    } finally {
      busy.current = false;
    }
  }

  const name = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn || u.nameZh : u.nameZh);
  return (
    <>
      <p className="back-link">
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
      <h1 data-testid="page-title">{t("documents.zip.title")}</h1>
      <p className="muted">{t("documents.zip.intro")}</p>
      <form method="post" action="/hr/transcripts.zip" className="card transcripts-export" onSubmit={download}>
        <SelectField label={t("documents.zip.unit")} name="unitId" defaultValue={values.unitId} error={translateError(t, errors.unitId)} required>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {"\u3000".repeat(Math.max(0, u.depth))}
              {name(u)}
            </option>
          ))}
        </SelectField>
        <div className="form-row">
          <TextField label={t("documents.zip.fromYear")} name="fromYear" type="number" inputMode="numeric" min={2000} max={2100} defaultValue={values.fromYear} error={translateError(t, errors.fromYear)} required />
          <TextField label={t("documents.zip.toYear")} name="toYear" type="number" inputMode="numeric" min={2000} max={2100} defaultValue={values.toYear} error={translateError(t, errors.toYear)} required />
        </div>
        {count !== null ? <p className="muted small">{t("documents.zip.people", { count: number(count) })}</p> : null}
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={progress.phase === "running"}>
            {t("documents.zip.submit")}
          </button>
        </div>
        <div aria-live="polite" data-testid="zip-progress">
          {progress.phase === "running" ? (
            <p>
              <progress max={progress.total || undefined} value={progress.done} /> {t("documents.zip.progress", { done: number(progress.done), total: number(progress.total) })}
            </p>
          ) : progress.phase === "done" ? (
            <p className="alert alert--success">{t("documents.zip.done", { total: number(progress.total) })}</p>
          ) : progress.phase === "failed" ? (
            <p className="alert alert--warning">{t("documents.zip.failed")}</p>
          ) : null}
        </div>
      </form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
