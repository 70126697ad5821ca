import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  unstable_composeUploadHandlers as composeUploadHandlers,
  unstable_createMemoryUploadHandler as createMemoryUploadHandler,
  unstable_parseMultipartFormData as parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { discardStaged, stagingUploadHandler, type StagedFile } from "~/camps/attachments.server";
import { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_SUBMISSION } from "~/camps/limits";
import { firstBriefId } from "~/camps/camps.server";
import { CAMP_ERRORS, isCampError } from "~/camps/errors";
import { loadMyProject, submitProjectVersion } from "~/camps/projects.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { forbidden, notFound } from "~/utils/http.server";
import { isUnreadableBody, readFormData, unreadableBody } from "~/utils/form-data.server";

const MB = MAX_ATTACHMENT_BYTES / 1024 / 1024;
/** Text parts of the form are small; anything bigger than this is not ours. */
const MAX_TEXT_PART_BYTES = 256 * 1024;

const part = (max: number) => fields.text(max);
const SubmitSchema = z.object({
  title: fields.text(120),
  background: part(8000),
  design: part(8000),
  budget: part(8000),
  impact: part(8000),
});

type ActionData = {
  ok: boolean;
  versionNo?: number;
  late?: boolean;
  fieldErrors?: FieldErrors;
  error?: { key: string; params?: Params };
  values?: Record<string, string>;
};

/** The brief from ?brief=, or the camp's first brief. Always one of the person's own camp. */
async function briefIdFor(request: Request, personId: number): Promise<number> {
  const given = new URL(request.url).searchParams.get("brief");
  if (given !== null) {
    const id = fields.id().safeParse(given);
    if (!id.success) notFound();
    return id.data;
  }
  const first = await firstBriefId(personId);
  if (!first) notFound();
  return first;
}

async function learnerPerson(request: Request) {
  const user = await requireRole(request, "learner");
  if (!user.personId) forbidden();
  return { user, personId: user.personId };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { personId } = await learnerPerson(request);
  const briefId = await briefIdFor(request, personId);
  try {
    const data = await loadMyProject(personId, briefId);
    return json(data, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isCampError(error) && error.code === CAMP_ERRORS.briefNotFound) notFound();
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, personId } = await learnerPerson(request);
  const briefId = await briefIdFor(request, personId);
  const tooLarge = () =>
    json<ActionData>({ ok: false, error: { key: CAMP_ERRORS.fileTooLarge, params: { mb: MB } } }, { status: 413 });
  // Refuse an obviously oversize request before reading it.
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_FILES_PER_SUBMISSION * MAX_ATTACHMENT_BYTES + 1024 * 1024) return tooLarge();

  const staged: StagedFile[] = [];
  let form: FormData;
  try {
    const type = request.headers.get("Content-Type") ?? "";
    form = type.startsWith("multipart/form-data")
      ? await parseMultipartFormData(
          request,
          composeUploadHandlers(stagingUploadHandler(staged), createMemoryUploadHandler({ maxPartSize: MAX_TEXT_PART_BYTES })),
        )
      : await readFormData(request);
  } catch (error) {
    await discardStaged(staged);
    if (error instanceof MaxPartSizeExceededError) return tooLarge();
    if (isCampError(error)) return json<ActionData>({ ok: false, error: { key: error.code, params: error.params } }, { status: 400 });
    if (isUnreadableBody(error)) throw unreadableBody();
    throw error;
  }
  const values: Record<string, string> = {};
  for (const name of ["title", "background", "design", "budget", "impact"]) {
    const value = form.get(name);
    if (typeof value === "string") values[name] = value.slice(0, 8000);
  }
  const parsed = parseForm(form, SubmitSchema);
  if (!parsed.ok) {
    await discardStaged(staged);
    return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" }, values }, { status: 400 });
  }
  const keepAttachmentIds = form
    .getAll("keep")
    .map((v) => Number(v))
    .filter((n) => Number.isInteger(n) && n > 0);
  const { title, ...parts } = parsed.data;
  try {
    const result = await submitProjectVersion({ personId, userId: user.id, briefId, title, parts, keepAttachmentIds, files: staged });
    return json<ActionData>({ ok: true, versionNo: result.versionNo, late: result.late });
  } catch (error) {
    if (!isCampError(error)) throw error;
    // Busy: every attempt collided with a teammate's submission and nothing was saved (503, like every busy write).
    const status = error.code === CAMP_ERRORS.notTeamMember ? 403 : error.code === CAMP_ERRORS.campClosed ? 409 : error.code === CAMP_ERRORS.busy ? 503 : 400;
    return json<ActionData>({ ok: false, error: { key: error.code, params: error.params }, values }, { status });
  }
}

const PARTS = [
  { name: "background", label: "camps.project.background", hint: "camps.project.backgroundHint" },
  { name: "design", label: "camps.project.design", hint: "camps.project.designHint" },
  { name: "budget", label: "camps.project.budget", hint: "camps.project.budgetHint" },
  { name: "impact", label: "camps.project.impact", hint: "camps.project.impactHint" },
] as const;

export default function MyCampProject() {
  const { brief, campStatus, team, project } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, dateTime } = useT();
  const latest = project?.versions[0] ?? null;
  const closed = campStatus === "closed";
  const pastDue = new Date(brief.dueAt) < new Date();
  const valueOf = (name: string, fallback: string) => (result && !result.ok && result.values?.[name] !== undefined ? result.values[name] : fallback);
  const kb = (bytes: number) => Math.max(1, Math.round(bytes / 1024));
  return (
    <>
      <p className="back-link">
        <Link to="/my/camp">{t("camps.backToMyCamp")}</Link>
      </p>
      <h1 data-testid="page-title">
        {t("camps.project.title")} <span className="h1-sub">{brief.title}</span>
      </h1>
      <p className="muted">
        {team ? `${t("camps.project.team", { name: team.name })} · ` : ""}
        {t("camps.briefs.due", { at: dateTime(brief.dueAt) })}
      </p>
      {brief.description ? <p className="camp-brief__text">{brief.description}</p> : null}

      {result?.ok && result.versionNo ? (
        <p className="alert alert--success" role="status">
          {t(result.late ? "camps.project.submittedLate" : "camps.project.submitted", { n: result.versionNo })}
        </p>
      ) : null}
      {result && !result.ok && result.error ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, msg(result.error.key as MessageKey, result.error.params))}
        </p>
      ) : null}

      {closed ? <p className="alert alert--warning">{t("camps.project.closed")}</p> : null}
      {!team ? <p className="alert alert--warning">{t("camps.project.noTeam")}</p> : null}

      {team && !closed ? (
        <section className="card" aria-labelledby="form-title">
          <h2 id="form-title">{latest ? t("camps.project.submitNew") : t("camps.project.submit")}</h2>
          {pastDue ? <p className="alert alert--warning">{t("camps.project.pastDue")}</p> : null}
          <p className="muted small">{t("camps.project.revisionNote")}</p>
          {/* The key remounts the form after a successful submission, so it shows the new version. */}
          <Form method="post" encType="multipart/form-data" className="stack camp-project-form" key={latest?.id ?? "new"}>
            <TextField
              name="title"
              label={t("camps.project.fieldTitle")}
              required
              maxLength={120}
              defaultValue={valueOf("title", project?.title ?? "")}
              error={translateError(t, result?.fieldErrors?.title)}
            />
            {PARTS.map((p) => {
              const error = translateError(t, result?.fieldErrors?.[p.name]);
              return (
                <div className="field" key={p.name}>
                  <label htmlFor={`part-${p.name}`}>{t(p.label)}</label>
                  <textarea
                    id={`part-${p.name}`}
                    name={p.name}
                    rows={6}
                    required
                    maxLength={8000}
                    defaultValue={valueOf(p.name, latest?.[p.name] ?? "")}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={`part-${p.name}-hint${error ? ` part-${p.name}-error` : ""}`}
                  />
                  <span id={`part-${p.name}-hint`} className="field__hint">
                    {t(p.hint)}
                  </span>
                  {error ? (
                    <span id={`part-${p.name}-error`} className="field__error" role="alert">
                      {error}
                    </span>
                  ) : null}
                </div>
              );
            })}
            {latest && latest.attachments.length > 0 ? (
              <fieldset className="camp-keep">
                <legend>{t("camps.project.keep")}</legend>
                {latest.attachments.map((a) => (
                  <label key={a.id} className="check">
                    <input type="checkbox" name="keep" value={a.id} defaultChecked /> {a.originalName}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <div className="field">
              <label htmlFor="attachment-input">{t("camps.project.attachments")}</label>
              <input
                id="attachment-input"
                type="file"
                name={ATTACHMENT_FIELD}
                multiple
                accept=".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
                aria-describedby="attachment-hint"
              />
              <span id="attachment-hint" className="field__hint">
                {t("camps.project.attachmentsHint", { mb: MB, max: MAX_FILES_PER_SUBMISSION })}
              </span>
            </div>
            <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
              {latest ? t("camps.project.submitNew") : t("camps.project.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="versions-title">
        <h2 id="versions-title">{t("camps.project.versions")}</h2>
        {!project || project.versions.length === 0 ? (
          <p className="muted">{t("camps.project.noVersions")}</p>
        ) : (
          <ol className="camp-versions">
            {project.versions.map((v) => (
              <li key={v.id} className="camp-version">
                <details open={v.id === latest?.id}>
                  <summary>
                    <strong>{t("camps.projects.version", { n: v.versionNo })}</strong>{" "}
                    <span className="muted small">{t("camps.projects.submittedAt", { at: dateTime(v.submittedAt) })}</span>{" "}
                    {v.late ? <span className="badge badge--todo">{t("camps.projects.late")}</span> : null}
                  </summary>
                  {v.submittedBy ? <p className="muted small">{t("camps.project.by", { name: v.submittedBy })}</p> : null}
                  <dl className="camp-parts">
                    {PARTS.map((p) => (
                      <div key={p.name}>
                        <dt>{t(p.label)}</dt>
                        <dd>{v[p.name]}</dd>
                      </div>
                    ))}
                  </dl>
                  {v.attachments.length > 0 ? (
                    <ul className="camp-files" aria-label={t("camps.projects.attachments")}>
                      {v.attachments.map((a) => (
                        <li key={a.id}>
                          <a href={`/camps/attachments/${a.id}`} download>
                            {a.originalName}
                          </a>{" "}
                          <span className="muted small">{t("camps.project.size", { kb: kb(a.sizeBytes) })}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </details>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
