import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { busyActionResponse } from "~/db/busy-response.server";
import { LedgerError } from "~/credits/ledger.server";
import { isEnrolmentError } from "~/enrolment/errors";
import { requireCampLead } from "~/grading/access.server";
import { isGradingError } from "~/grading/errors";
import { loadReleasePage, moderateMark, projectInCamp, releaseProject, unreleaseProject } from "~/grading/grading.server";
import { parsePoints } from "~/grading/points";
import { criterionTitle } from "~/grading/rubric-text";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const ReleaseSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("release"), projectId: fields.id(), feedback: fields.optionalText(5000) }),
  z.object({ intent: z.literal("unrelease"), projectId: fields.id(), reason: fields.text(500) }),
  z.object({
    intent: z.literal("moderate"),
    projectId: fields.id(),
    total: z.string({ error: msg("errors.required") }).refine((v) => {
      const value = parsePoints(v);
      return value !== null && value >= 0 && value <= 10_000;
    }, msg("errors.invalidNumber")),
    reason: fields.text(500),
  }),
], { error: msg("errors.badRequest") });

function campIdOf(params: LoaderFunctionArgs["params"]) {
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  await requireCampLead(user, campId);
  const page = await loadReleasePage(campId, user.id);
  if (!page) notFound();
  return json(page, { headers: { "Cache-Control": "no-store" } });
}

type ActionData = {
  notice?: { key: MessageKey; params?: Params };
  error?: { key: string; params?: Params };
  fieldErrors?: FieldErrors;
  projectId?: number;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  await requireCampLead(user, campId);
  const parsed = parseForm(await readFormData(request), ReleaseSchema);
  if (!parsed.ok) return json<ActionData>({ error: { key: parsed.formError ?? "errors.form" }, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const input = parsed.data;
  if (!(await projectInCamp(input.projectId, campId))) notFound();
  try {
    if (input.intent === "release") {
      const result = await releaseProject({ projectId: input.projectId, leadId: user.id, feedback: input.feedback ?? "" });
      return json<ActionData>({ notice: { key: "grading.release.released", params: { count: result.awarded.length } }, projectId: input.projectId });
    }
    if (input.intent === "unrelease") {
      const result = await unreleaseProject({ projectId: input.projectId, leadId: user.id, reason: input.reason });
      return json<ActionData>({ notice: { key: "grading.release.unreleased", params: { count: result.reversedEntryIds.length } }, projectId: input.projectId });
    }
    await moderateMark({ projectId: input.projectId, leadId: user.id, total: parsePoints(input.total)!, reason: input.reason });
    return json<ActionData>({ notice: { key: "grading.release.moderated" }, projectId: input.projectId });
  } catch (error) {
    // Every attempt lost a race: 503 errors.busy on the project's form; nothing was released.
    const busy = busyActionResponse<ActionData>(error, { projectId: input.projectId });
    if (busy) return busy;
    if (isGradingError(error) || isEnrolmentError(error) || error instanceof LedgerError) {
      return json<ActionData>({ error: { key: error.code, params: error.params }, projectId: input.projectId }, { status: 400 });
    }
    throw error;
  }
}

export default function CampRelease() {
  const { camp, projects, criteria } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale, dateTime, points } = useT();
  const titleOf = (criterionId: number) => {
    const criterion = criteria[String(criterionId)];
    return criterion ? criterionTitle(locale, criterion) : "";
  };
  const busy = navigation.state === "submitting";
  const course = camp.offering.course;
  const message = (p: { key: string; params?: Params }) => (isMessageKey(p.key) ? t(p.key, p.params) : t("errors.invalid"));
  return (
    <>
      <p className="back-link">
        <Link to="/trainer/grading">{t("grading.screen.back")}</Link>
      </p>
      <h1 data-testid="page-title">
        {t("grading.release.title")} <span className="muted h1-sub">{locale === "en" ? course.titleEn : course.titleZh}</span>
      </h1>
      <p className="muted">
        {t("grading.release.intro", { passMark: points(camp.passMark), markers: camp.markersPerProject, threshold: camp.moderationThresholdPct })}{" "}
        {t("grading.release.credits", { points: points(course.creditPoints) })}
      </p>
      <p>
        <a href={`/trainer/camps/${camp.id}/marks.csv`}>{t("grading.links.exportMarks")}</a>
        {" · "}
        <a href={`/trainer/camps/${camp.id}/marks.xlsx`} download>
          {t("grading.links.exportMarksXlsx")}
        </a>
      </p>
      {projects.length === 0 ? <p className="muted">{t("grading.release.noProjects")}</p> : null}
      {projects.map((p) => {
        const mine = actionData?.projectId === p.id;
        const released = !!p.finalMark?.releasedAt;
        const moderated = p.finalMark?.method === "moderated";
        const fieldError = (name: string) => (mine ? translateError(t, actionData?.fieldErrors?.[name]) : undefined);
        return (
          <section key={p.id} className="card grading-release" aria-labelledby={`project-${p.id}`}>
            <h2 id={`project-${p.id}`}>
              <Link to={`/trainer/grading/${p.id}`}>{p.title}</Link> <span className="muted h1-sub">{p.team}</span>
            </h2>
            <p>
              {released ? <span className="badge badge--ok">{t("grading.release.releasedAt", { time: dateTime(p.finalMark!.releasedAt!) })}</span> : null}
              {moderated ? <span className="badge">{t("grading.state.moderated")}</span> : null}
              {p.standing?.needsModeration && !moderated ? <span className="badge badge--todo">{t("grading.state.needsModeration")}</span> : null}
              {p.standing && !p.standing.ready ? <span className="badge">{t("grading.release.notReady", { submitted: p.standing.submitted, needed: camp.markersPerProject })}</span> : null}
            </p>
            {mine && actionData?.notice ? (
              <p className="alert alert--success" role="status">
                {t(actionData.notice.key, actionData.notice.params)}
              </p>
            ) : null}
            {mine && actionData?.error ? (
              <p className="alert alert--error" role="alert">
                {message(actionData.error)}
              </p>
            ) : null}
            {!p.canSeeOthers ? <p className="muted">{t("grading.screen.blind")}</p> : null}
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("grading.col.marker")}</th>
                    <th scope="col">{t("grading.col.state")}</th>
                    <th scope="col" className="num">
                      {t("grading.col.total")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {p.marks.map((m) => (
                    <tr key={m.markerId}>
                      <td>{m.marker}</td>
                      <td>{t(m.status === "submitted" ? "grading.screen.status.submitted" : "grading.screen.status.draft")}</td>
                      <td className="num">{m.total === null ? "—" : points(m.total)}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{t("grading.release.mean")}</th>
                    <td />
                    <td className="num">{p.standing?.mean == null ? "—" : points(p.standing.mean)}</td>
                  </tr>
                  <tr>
                    <th scope="row">{t("grading.release.finalTotal")}</th>
                    <td>{p.finalMark?.reason ?? ""}</td>
                    <td className="num">
                      <strong>{p.total === null ? "—" : points(p.total)}</strong>
                    </td>
                  </tr>
                </tbody>
              </table>
            </div>
            {p.standing && p.standing.disagreements.length > 0 ? (
              <ul className="grading-disagreements">
                {p.standing.disagreements.map((d, i) => {
                  const name = (id: number) => p.marks.find((m) => m.markerId === id)?.marker ?? `#${id}`;
                  return (
                    <li key={i}>
                      {d.kind === "total"
                        ? t("grading.disagreement.total", { a: name(d.markerIds[0]), b: name(d.markerIds[1]), difference: points(d.difference) })
                        : t("grading.disagreement.criterion", { a: name(d.markerIds[0]), b: name(d.markerIds[1]), levels: d.levels, criterion: titleOf(d.criterionId) })}
                    </li>
                  );
                })}
              </ul>
            ) : null}
            {p.outcomes.length > 0 ? (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("grading.col.name")}</th>
                      <th scope="col" className="num">
                        {t("grading.col.adjustment")}
                      </th>
                      <th scope="col" className="num">
                        {t("grading.col.attendance")}
                      </th>
                      <th scope="col" className="num">
                        {t("grading.col.total")}
                      </th>
                      <th scope="col">{t("grading.col.outcome")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.outcomes.map((o) => (
                      <tr key={o.personId}>
                        <td>
                          {o.name} <span className="muted small">{o.employeeNo}</span>
                        </td>
                        <td className="num">{o.adjustment === 0 ? "" : (o.adjustment > 0 ? "+" : "") + points(o.adjustment)}</td>
                        <td className="num">
                          {o.attendedMinutes}/{o.scheduledMinutes}
                        </td>
                        <td className="num">{points(o.total)}</td>
                        <td>
                          {o.passed ? (
                            <span className="badge badge--ok">{t("grading.release.pass")}</span>
                          ) : (
                            <span className="badge badge--todo">{t(o.failure === "absence" ? "grading.release.failAbsence" : "grading.release.failBelow")}</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {released || p.standing?.ready ? (
            <div className="grading-release__forms">
              <Form method="post" className="stack">
                <input type="hidden" name="projectId" value={p.id} />
                <h3>{t("grading.release.moderate")}</h3>
                <TextField name="total" label={t("grading.release.moderateTotal")} inputMode="decimal" required defaultValue={p.total === null ? "" : String(p.total / 100)} error={fieldError("total")} />
                <TextField name="reason" label={t("grading.release.moderateReason")} required maxLength={500} error={fieldError("reason")} />
                <button type="submit" name="intent" value="moderate" className="button" disabled={busy}>
                  {t("grading.release.moderate")}
                </button>
              </Form>
              {released ? (
                <Form method="post" className="stack">
                  <input type="hidden" name="projectId" value={p.id} />
                  <h3>{t("grading.release.unrelease")}</h3>
                  <p className="grading-feedback">{p.finalMark?.feedback}</p>
                  <TextField name="reason" label={t("grading.release.unreleaseReason")} required maxLength={500} />
                  <button type="submit" name="intent" value="unrelease" className="button" disabled={busy}>
                    {t("grading.release.unrelease")}
                  </button>
                </Form>
              ) : (
                <Form method="post" className="stack">
                  <input type="hidden" name="projectId" value={p.id} />
                  <div className="field">
                    <label htmlFor={`feedback-${p.id}`}>{t("grading.release.feedback")}</label>
                    <textarea id={`feedback-${p.id}`} name="feedback" rows={4} maxLength={5000} defaultValue={p.finalMark?.feedback ?? ""} />
                  </div>
                  <button type="submit" name="intent" value="release" className="button button--primary" disabled={busy}>
                    {t("grading.release.release")}
                  </button>
                </Form>
              )}
            </div>
            ) : null}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
