import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireClassStaff } from "~/attendance/access.server";
import { loadClassAttendance } from "~/attendance/attendance.server";
import { timeRange } from "~/attendance/format";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { busyActionResponse } from "~/db/busy-response.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { completeOffering } from "~/enrolment/completion.server";
import { describeEnrolmentMessage } from "~/enrolment/describe";
import { isEnrolmentError } from "~/enrolment/errors";
import { resolveLocale } from "~/i18n/i18n.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.offeringId);
  if (!id.success) notFound();
  await requireClassStaff(user, id.data);
  return json(await loadClassAttendance(id.data), { headers: { "Cache-Control": "no-store" } });
}

/**
 * After the last session, the class's trainer closes it: each learner is judged against the
 * attendance rule and those who completed get their credits (once; see completion.server.ts).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.offeringId);
  if (!id.success) notFound();
  await requireClassStaff(user, id.data);
  try {
    const result = await completeOffering({ offeringId: id.data, actorId: user.id });
    return json({ ok: true as const, completed: result.completed, notCompleted: result.notCompleted, error: null });
  } catch (error) {
    // Every attempt lost a race: 503 with error { key: "errors.busy" }, translated in the page.
    const busy = busyActionResponse(error, { ok: false as const, completed: 0, notCompleted: 0 });
    if (busy) return busy;
    if (!isEnrolmentError(error)) throw error;
    const locale = await resolveLocale(request, user.locale);
    return json({ ok: false as const, completed: 0, notCompleted: 0, error: describeEnrolmentMessage(locale, error.code, error.params) }, { status: 409 });
  }
}

type Data = SerializeFrom<typeof loader>;

function classState(offering: Data["offering"], now: Date): MessageKey {
  if (offering.status === "closed") return "attendance.classState.completed";
  if (offering.status === "cancelled") return "attendance.classState.cancelled";
  if (now < new Date(offering.startsAt)) return "attendance.classState.upcoming";
  if (now < new Date(offering.endsAt)) return "attendance.classState.running";
  return "attendance.classState.ended";
}

export default function TrainerClass() {
  const { offering, sessions, learners, scheduledMinutes, maxAbsenceFraction } = useLoaderData<typeof loader>();
  const completion = useActionData<typeof action>();
  const { t, locale, number } = useT();
  const ended = new Date(offering.endsAt) <= new Date();
  const title = locale === "en" ? offering.course.titleEn : offering.course.titleZh;
  const hours = (minutes: number) => number(minutes / 60, { maximumFractionDigits: 1 });
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const sessionLabel = (s: { title: string; number: number }) => s.title || t("attendance.sessionNumber", { n: s.number });
  return (
    <>
      <p className="back-link">
        <Link to="/trainer">{t("attendance.backToTeaching")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="muted">
        {offering.code} · {timeRange(locale, offering.startsAt, offering.endsAt)}
        {offering.venue ? ` · ${offering.venue}` : ""}
        {offering.trainer ? ` · ${t("attendance.trainerName", { name: offering.trainer.displayName })}` : ""}
      </p>
      <p>
        <span className={offering.status === "closed" ? "badge badge--ok" : "badge"}>{t(classState(offering, new Date()))}</span>{" "}
        <span className="muted small">
          {t("attendance.class.rule", {
            fraction: `${maxAbsenceFraction.numerator}/${maxAbsenceFraction.denominator}`,
            hours: hours(scheduledMinutes),
          })}
        </span>
      </p>
      {offering.course.hasAssessment ? (
        // Completion stays attendance-only: the system records no assessment result for a class (docs/data-model.md).
        <p data-testid="assessed">
          <span className="badge">{t("course.assessment")}</span>{" "}
          <span className="muted small">{t(offering.course.mode === "camp" ? "attendance.class.assessedCamp" : "attendance.class.assessedClass")}</span>
        </p>
      ) : null}

      {completion?.ok ? (
        <p className="alert alert--success" role="status">
          {t("attendance.class.completedResult", { completed: completion.completed, notCompleted: completion.notCompleted })}
        </p>
      ) : null}
      {completion?.error ? (
        <p className="alert alert--error" role="alert">
          {typeof completion.error === "string" ? completion.error : t(completion.error.key, completion.error.params)}
        </p>
      ) : null}
      {ended && offering.status === "published" ? (
        <Form method="post" className="card">
          <p>{t("attendance.class.completeHint")}</p>
          <button type="submit" className="button button--primary">
            {t("attendance.class.complete")}
          </button>
        </Form>
      ) : null}

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("attendance.class.sessions")}</h2>
        {sessions.length === 0 ? (
          <p className="muted">{t("attendance.class.noSessions")}</p>
        ) : (
          <ol className="session-list">
            {sessions.map((s) => (
              <li key={s.id}>
                <div className="session-list__head">
                  <strong>{sessionLabel(s)}</strong>
                  {s.checkin === "open" ? <span className="badge badge--ok">{t("attendance.checkinOpen")}</span> : null}
                </div>
                <p className="muted small session-list__when">
                  {timeRange(locale, s.startsAt, s.endsAt)}
                  {s.venue ? ` · ${s.venue}` : ""}
                </p>
                <p className="small session-list__count">
                  {t("attendance.class.sessionCount", { attended: s.attended, recorded: s.recorded, roster: learners.length })}
                </p>
                <p className="session-list__links">
                  <Link className="button" to={`/trainer/sessions/${s.id}`}>
                    {t("attendance.class.take")}
                  </Link>
                  <Link to={`/trainer/sessions/${s.id}/sheet`}>{t("attendance.class.sheet")}</Link>
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="card" aria-labelledby="roster-title">
        <h2 id="roster-title">
          {t("attendance.class.roster")} <span className="muted small">{t("common.total", { count: learners.length })}</span>
        </h2>
        {learners.length === 0 ? (
          <p className="muted">{t("attendance.class.noLearners")}</p>
        ) : (
          <>
            <div className="table-wrap roster-wrap">
              <table className="roster">
                <thead>
                  <tr>
                    <th scope="col">{t("attendance.col.name")}</th>
                    {sessions.map((s) => (
                      <th key={s.id} scope="col" className="roster__session" title={sessionLabel(s)}>
                        <Link to={`/trainer/sessions/${s.id}`} aria-label={sessionLabel(s)}>
                          {s.number}
                        </Link>
                      </th>
                    ))}
                    <th scope="col" className="num">
                      {t("attendance.col.hours")}
                    </th>
                    <th scope="col">{t("attendance.col.completion")}</th>
                  </tr>
                </thead>
                <tbody>
                  {learners.map((l) => (
                    <tr key={l.enrolmentId}>
                      <th scope="row">
                        {l.person.name}
                        <span className="roster__sub">
                          {l.person.employeeNo} · {unitName(l.person.unit)}
                        </span>
                      </th>
                      {l.cells.map((cell) => (
                        <td key={cell.sessionId} className="roster__cell">
                          <span className={`att att--${cell.status ?? "none"}`} aria-hidden="true">
                            {t(`attendance.symbol.${cell.status ?? "none"}` as MessageKey)}
                          </span>
                          <span className="visually-hidden">{t(`attendance.status.${cell.status ?? "none"}` as MessageKey)}</span>
                        </td>
                      ))}
                      <td className="num">
                        {hours(l.attendedMinutes)} / {hours(scheduledMinutes)}
                      </td>
                      <td>
                        <span
                          className={
                            l.enrolmentStatus === "completed" ? "badge badge--ok" : l.enrolmentStatus === "not_completed" ? "badge badge--todo" : "badge"
                          }
                        >
                          {t(`enrolment.status.${l.enrolmentStatus}` as MessageKey)}
                        </span>
                        {!l.withinLimit && l.enrolmentStatus === "enrolled" ? (
                          <span className="badge badge--todo">{t("attendance.class.overLimit", { hours: hours(l.missedMinutes) })}</span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small att-legend">
              {(["present", "late", "absent", "excused", "none"] as const).map((s) => (
                <span key={s} className="att-legend__item">
                  <span className={`att att--${s}`} aria-hidden="true">
                    {t(`attendance.symbol.${s}` as MessageKey)}
                  </span>{" "}
                  {t(`attendance.status.${s}` as MessageKey)}
                </span>
              ))}
            </p>
          </>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
