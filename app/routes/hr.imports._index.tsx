import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_composeUploadHandlers as composeUploadHandlers,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import type { StagedFile } from "~/files/storage.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { isImportError } from "~/imports/errors";
import { createBatch, discardStaged, importUploadHandler, listBatches } from "~/imports/imports.server";
import { IMPORT_FILE_FIELD, IMPORT_KINDS, kindsFor, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "~/imports/kinds";
import { isUnreadableBody, unreadableBody } from "~/utils/form-data.server";
import { forbidden } from "~/utils/http.server";

const QuerySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined) });
/** The multipart form's one text field (the file is streamed to disk by importUploadHandler). */
const UploadSchema = z.object({ kind: z.enum(IMPORT_KINDS) });
const MB = MAX_IMPORT_BYTES / 1024 / 1024;

type ActionData = { error: { key: MessageKey; params?: Record<string, string | number> }; kind?: string };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  if (user.role === "hr" && !user.scopeUnitId) forbidden();
  const { page } = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const history = await listBatches(user, page ?? 1);
  return json({ ...history, kinds: kindsFor(user.role), maxMegabytes: MB, maxRows: MAX_IMPORT_ROWS }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  if (user.role === "hr" && !user.scopeUnitId) forbidden();
  const refuse = (key: MessageKey, status: number, params?: Record<string, string | number>, kind?: string) =>
    json<ActionData>({ error: { key, params }, kind }, { status });
  // An announced oversize body is refused before a byte of it is read; an unannounced one
  // stops at the limit while streaming (importUploadHandler).
  if (Number(request.headers.get("Content-Length") ?? "0") > MAX_IMPORT_BYTES + 64 * 1024) {
    return refuse("imports.errors.tooLarge", 413, { mb: MB });
  }
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) return refuse("imports.errors.noFile", 400);
  const staged: StagedFile[] = [];
  let form: FormData;
  try {
    form = await parseMultipartFormData(
      request,
      composeUploadHandlers(importUploadHandler(staged), createMemoryUploadHandler({ maxPartSize: 1024 })),
    );
  } catch (error) {
    await discardStaged(staged);
    if (error instanceof MaxPartSizeExceededError) return refuse("imports.errors.tooLarge", 413, { mb: MB });
    if (isImportError(error)) return refuse(error.messageKey, error.status, error.params);
    if (isUnreadableBody(error)) throw unreadableBody();
    throw error;
  }
  const parsed = UploadSchema.safeParse({ kind: form.get("kind") });
  if (!parsed.success) {
    await discardStaged(staged);
    return refuse("imports.errors.kindInvalid", 400);
  }
  const { kind } = parsed.data;
  const file = staged[0];
  if (!file) return refuse("imports.errors.noFile", 400, undefined, kind);
  try {
    const batch = await createBatch(user, kind, file);
    return redirect(`/hr/imports/${batch.id}`);
  } catch (error) {
    if (isImportError(error)) return refuse(error.messageKey, error.status, error.params, kind);
    throw error;
  }
}

export default function Imports() {
  const { batches, total, page, pages, kinds, maxMegabytes, maxRows } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, dateTime, number } = useT();
  return (
    <>
      <p className="back-link">
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
      <h1 data-testid="page-title">{t("imports.title")}</h1>
      <p className="muted">{t("imports.intro")}</p>

      <section className="card stack" aria-labelledby="upload-title" id="upload">
        <h2 id="upload-title">{t("imports.upload.title")}</h2>
        {actionData?.error ? (
          <p className="alert alert--error" role="alert" data-testid="upload-error">
            {t(actionData.error.key, actionData.error.params)}
          </p>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="stack import-upload">
          <SelectField name="kind" label={t("imports.kind")} defaultValue={actionData?.kind ?? "people"}>
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`imports.kind.${kind}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <div className="field">
            <label htmlFor="import-file">{t("imports.file")}</label>
            <input
              id="import-file"
              name={IMPORT_FILE_FIELD}
              type="file"
              required
              accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby="import-file-hint"
            />
            <span id="import-file-hint" className="field__hint">
              {t("imports.fileHint", { mb: maxMegabytes, rows: number(maxRows) })}
            </span>
          </div>
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {t("imports.upload.submit")}
          </button>
        </Form>
      </section>

      <h2>{t("imports.history.title")}</h2>
      <p className="muted">{t("common.total", { count: total })}</p>
      {batches.length === 0 ? (
        <p>{t("imports.history.none")}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="import-history">
            <thead>
              <tr>
                <th scope="col">{t("imports.col.id")}</th>
                <th scope="col">{t("imports.col.kind")}</th>
                <th scope="col">{t("imports.col.file")}</th>
                <th scope="col">{t("imports.col.by")}</th>
                <th scope="col">{t("imports.col.when")}</th>
                <th scope="col">{t("imports.col.status")}</th>
                <th scope="col" className="num">{t("imports.col.rows")}</th>
                <th scope="col" className="num">{t("imports.col.created")}</th>
                <th scope="col" className="num">{t("imports.col.updated")}</th>
                <th scope="col" className="num">{t("imports.col.unchanged")}</th>
                <th scope="col" className="num">{t("imports.col.errors")}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id}>
                  <td>
                    <Link to={`/hr/imports/${b.id}`}>#{b.id}</Link>
                  </td>
                  <td>{t(`imports.kind.${b.kind}` as MessageKey)}</td>
                  <td className="import-file-name">{b.fileName}</td>
                  <td>{b.createdBy}</td>
                  <td>{dateTime(b.createdAt)}</td>
                  <td>{t(`imports.status.${b.status}` as MessageKey)}</td>
                  <td className="num">{number(b.rowCount)}</td>
                  <td className="num">{number(b.createdCount)}</td>
                  <td className="num">{number(b.updatedCount)}</td>
                  <td className="num">{number(b.unchangedCount)}</td>
                  <td className="num">{number(b.errorCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} pages={pages} params={{}} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
