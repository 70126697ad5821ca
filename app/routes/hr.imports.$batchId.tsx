import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ProgressBar } from "~/components/progress-bar";
import { useAutoRefresh } from "~/components/use-auto-refresh";
import { isMessageKey, useT, type MessageKey, type Translate } from "~/i18n/i18n";
import { isImportError } from "~/imports/errors";
import { loadBatch, previewBatch, startCommit } from "~/imports/imports.server";
import { fieldLabelKey, IMPORT_FIELDS, isImportKind, type ColumnMapping, type ImportKind, type MappingProblem } from "~/imports/kinds";
import { z } from "zod";
import { readFormData } from "~/utils/form-data.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

const REFRESH_MS = 2000;

type ActionData = { error?: { key: MessageKey; params?: Record<string, string | number> }; problems?: MappingProblem[] };

function batchIdOf(params: { batchId?: string }) {
  const parsed = fields.id().safeParse(params.batchId);
  if (!parsed.success) notFound();
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const batch = await loadBatch(user, batchIdOf(params));
  return json({ batch }, { headers: { "Cache-Control": "no-store" } });
}

const IntentSchema = z.object({ intent: z.enum(["preview", "commit"]) });
/** A column index, "" for "not imported"; anything else becomes -1, which mappingProblems names. */
const ColumnSchema = z
  .union([z.literal("").transform(() => undefined), z.string().regex(/^\d{1,4}$/).transform(Number)])
  .optional()
  .catch(-1);

/** The mapping form: map.<field> = column index, or "" for "not imported". */
function mappingFrom(form: FormData, kind: ImportKind): ColumnMapping {
  const schema = z.object(Object.fromEntries(IMPORT_FIELDS[kind].map((field) => [`map.${field.key}`, ColumnSchema])));
  const values = schema.parse(Object.fromEntries(IMPORT_FIELDS[kind].map((field) => [`map.${field.key}`, form.get(`map.${field.key}`) ?? undefined])));
  const mapping: ColumnMapping = {};
  for (const field of IMPORT_FIELDS[kind]) {
    const index = values[`map.${field.key}`];
    if (index !== undefined) mapping[field.key] = index;
  }
  return mapping;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const batchId = batchIdOf(params);
  // 404 for a batch outside the officer's units, before anything else is read.
  const batch = await loadBatch(user, batchId);
  const form = await readFormData(request);
  const parsed = IntentSchema.safeParse({ intent: form.get("intent") });
  if (!parsed.success) return json<ActionData>({ error: { key: "errors.badRequest" } }, { status: 400 });
  const { intent } = parsed.data;
  try {
    if (intent === "preview") {
      if (!isImportKind(batch.kind)) notFound();
      const outcome = await previewBatch(user, batchId, mappingFrom(form, batch.kind));
      if (!outcome.ok) return json<ActionData>({ problems: outcome.problems }, { status: 400 });
      return redirect(`/hr/imports/${batchId}#preview`);
    }
    await startCommit(user, batchId);
    return redirect(`/hr/imports/${batchId}`);
  } catch (error) {
    if (isImportError(error)) return json<ActionData>({ error: { key: error.messageKey, params: error.params } }, { status: error.status });
    throw error;
  }
}

const UNIT_KIND_PARAMS = ["kind", "parentKind"] as const;

/** Row problems keep unit levels as codes (district, street, area); they are shown translated. */
function message(t: Translate, key: string, params?: Record<string, string | number>) {
  if (!isMessageKey(key)) return t("errors.invalid");
  const shown = params ? { ...params } : undefined;
  for (const name of UNIT_KIND_PARAMS) {
    const value = shown?.[name];
    const kindKey = `imports.unitKind.${String(value)}`;
    if (shown && value !== undefined && isMessageKey(kindKey)) shown[name] = t(kindKey);
  }
  return t(key, shown);
}

export default function ImportBatchPage() {
  const { batch } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, dateTime, number } = useT();
  const committing = batch.status === "committing";
  useAutoRefresh(committing, REFRESH_MS);
  const kind = batch.kind as ImportKind;
  const fields = IMPORT_FIELDS[kind] ?? [];
  const label = (field: string) => t(fieldLabelKey(kind, field));
  const headers = batch.summary.headers;
  const mappable = ["uploaded", "previewed", "failed"].includes(batch.status);
  const busy = navigation.state !== "idle";
  const size = batch.fileBytes >= 1024 * 1024 ? `${number(batch.fileBytes / 1024 / 1024, { maximumFractionDigits: 1 })} MB` : `${number(Math.ceil(batch.fileBytes / 1024))} KB`;
  const issues = batch.summary.issues;
  return (
    <>
      {committing ? (
        <noscript>
          <meta httpEquiv="refresh" content={String(REFRESH_MS / 1000)} />
        </noscript>
      ) : null}
      <p className="back-link">
        <Link to="/hr/imports">{t("imports.batch.back")}</Link>
      </p>
      <h1 data-testid="page-title">{t("imports.batch.title", { id: batch.id })}</h1>
      <p className="muted">
        {t("imports.batch.meta", {
          kind: t(`imports.kind.${kind}` as MessageKey),
          file: batch.fileName,
          size,
          encoding: t(`imports.encoding.${batch.encoding}` as MessageKey),
          rows: number(batch.rowCount),
          by: batch.createdBy,
          when: dateTime(batch.createdAt),
        })}{" "}
        <a href={`/hr/imports/${batch.id}/file`} download>
          {t("imports.batch.download")}
        </a>
      </p>
      <p>
        <span className={`badge import-status import-status--${batch.status}`} data-testid="import-status">
          {t(`imports.status.${batch.status}` as MessageKey)}
        </span>
      </p>
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {message(t, actionData.error.key, actionData.error.params)}
        </p>
      ) : null}

      {committing ? (
        <section className="card" aria-live="polite" data-testid="import-progress">
          <ProgressBar value={batch.processedRows} max={batch.rowCount} label={t("imports.progress.label", { done: number(batch.processedRows), total: number(batch.rowCount) })} />
          <p className="muted">{t("imports.progress.refresh")}</p>
        </section>
      ) : null}

      {batch.status === "committed" ? (
        <p className="alert alert--success" role="status" data-testid="import-committed">
          {t("imports.committed", {
            when: batch.committedAt ? dateTime(batch.committedAt) : "",
            created: number(batch.createdCount),
            updated: number(batch.updatedCount),
            unchanged: number(batch.unchangedCount),
          })}
        </p>
      ) : null}
      {batch.status === "failed" ? (
        <p className="alert alert--error" role="alert" data-testid="import-failed">
          {t("imports.failed")} {batch.summary.failure ? message(t, batch.summary.failure.key, batch.summary.failure.params) : null}
        </p>
      ) : null}

      {mappable ? (
        <section className="card stack" aria-labelledby="mapping-title">
          <h2 id="mapping-title">{t("imports.mapping.title")}</h2>
          <p className="muted">{t("imports.mapping.intro")}</p>
          {actionData?.problems?.length ? (
            <ul className="alert alert--error" role="alert" data-testid="mapping-problems">
              {actionData.problems.map((p, i) => (
                <li key={i}>{message(t, p.key, p.params.field !== undefined ? { ...p.params, field: label(String(p.params.field)) } : p.params)}</li>
              ))}
            </ul>
          ) : null}
          <Form method="post" className="import-mapping">
            <input type="hidden" name="intent" value="preview" />
            <div className="import-mapping__grid">
              {fields.map((field) => (
                <div className="field" key={field.key}>
                  <label htmlFor={`map-${field.key}`}>
                    {label(field.key)}
                    {field.required ? " *" : ""}
                  </label>
                  <select id={`map-${field.key}`} name={`map.${field.key}`} defaultValue={batch.mapping[field.key] === undefined ? "" : String(batch.mapping[field.key])}>
                    <option value="">{t("imports.mapping.none")}</option>
                    {headers.map((header, index) => (
                      <option key={index} value={index}>
                        {t("imports.mapping.column", { n: index + 1, header })}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
            <button type="submit" className="button" disabled={busy} data-testid="dry-run">
              {t("imports.preview.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      {batch.status !== "uploaded" ? (
        <section id="preview" className="stack" aria-labelledby="preview-title">
          <h2 id="preview-title">{t("imports.preview.title")}</h2>
          <p data-testid="import-counts">
            {t("imports.preview.counts", {
              rows: number(batch.rowCount),
              created: number(batch.createdCount),
              updated: number(batch.updatedCount),
              unchanged: number(batch.unchangedCount),
              errors: number(batch.errorCount),
            })}
          </p>
          {issues.length > 0 ? (
            <>
              <h3>{t("imports.preview.errorsTitle")}</h3>
              <div className="table-wrap">
                <table data-testid="import-errors">
                  <thead>
                    <tr>
                      <th scope="col" className="num">{t("imports.col.row")}</th>
                      <th scope="col">{t("imports.col.field")}</th>
                      <th scope="col">{t("imports.col.problem")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {issues.map((issue, i) => (
                      <tr key={i}>
                        <td className="num">{issue.row}</td>
                        <td>{issue.field ? label(issue.field) : ""}</td>
                        <td>{message(t, issue.key, issue.params)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {issues.length >= 500 ? <p className="muted">{t("imports.preview.errorsMore", { shown: issues.length })}</p> : null}
            </>
          ) : null}
          {batch.status === "previewed" && batch.errorCount > 0 ? (
            <p className="alert alert--error" data-testid="commit-blocked">
              {t("imports.commit.blocked", { count: number(batch.errorCount) })} <Link to="/hr/imports#upload">{t("imports.uploadAnother")}</Link>
            </p>
          ) : null}
          {batch.status === "previewed" && batch.errorCount === 0 ? (
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="commit" />
              <p>{batch.createdCount + batch.updatedCount === 0 ? t("imports.preview.nothingToDo") : t("imports.commit.ready", { rows: number(batch.rowCount) })}</p>
              <button type="submit" className="button button--primary" disabled={busy} data-testid="commit">
                {t("imports.commit.submit")}
              </button>
            </Form>
          ) : null}
          {batch.summary.sample.length > 0 && batch.status !== "committed" ? (
            <>
              <h3>{t("imports.preview.sampleTitle", { count: batch.summary.sample.length })}</h3>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col" className="num">{t("imports.col.row")}</th>
                      <th scope="col">{t("imports.col.action")}</th>
                      <th scope="col">{t("imports.col.details")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {batch.summary.sample.map((s) => (
                      <tr key={s.row}>
                        <td className="num">{s.row}</td>
                        <td>{t(`imports.action.${s.action}` as MessageKey)}</td>
                        <td>
                          {Object.values(s.summary).join(" · ")}
                          {s.changed?.length ? ` — ${s.changed.map(label).join("、")}` : ""}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
