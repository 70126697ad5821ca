import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireSessionStaff } from "~/attendance/access.server";
import { loadSessionAttendance, markAttendance } from "~/attendance/attendance.server";
import { isAttendanceError } from "~/attendance/errors";
import { clockTime, timeRange } from "~/attendance/format";
import { checkinUrl, qrSvg } from "~/attendance/qr.server";
import { ATTENDANCE_STATUSES, formatCheckinCode, markFieldName, type AttendanceStatus } from "~/attendance/statuses";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useAutoRefresh } from "~/components/use-auto-refresh";
import { busyActionResponse } from "~/db/busy-response.server";
import { isEnrolmentError } from "~/enrolment/errors";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

/** The page refreshes itself this often while check-in is open or about to open. */
const REFRESH_MS = 30_000;

const MarkFormSchema = z.object({
  intent: z.enum(["mark", "all-present"], { error: msg("errors.badRequest") }),
  reason: fields.optionalText(500),
});
const MarkValueSchema = fields.choice(ATTENDANCE_STATUSES);
const MARK_FIELD = /^mark\.(\d{1,9})$/;

/** The per-learner fields `mark.<personId>`: unknown names are ignored, bad values are errors. */
function parseMarks(form: FormData) {
  const marks = new Map<number, AttendanceStatus>();
  const fieldErrors: FieldErrors = {};
  for (const [name, value] of form) {
    const match = MARK_FIELD.exec(name);
    if (!match || marks.has(Number(match[1]))) continue;
    const parsed = MarkValueSchema.safeParse(value);
    if (parsed.success) marks.set(Number(match[1]), parsed.data);
    else fieldErrors[name] = parsed.error.issues[0]?.message ?? msg("errors.invalidChoice");
  }
  return { marks: [...marks].map(([personId, status]) => ({ personId, status })), fieldErrors };
}

async function sessionIdOf(params: LoaderFunctionArgs["params"]) {
  const id = fields.id().safeParse(params.sessionId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessionId = await sessionIdOf(params);
  await requireSessionStaff(user, sessionId);
  const data = await loadSessionAttendance(sessionId);
  const code = data.checkin.code;
  const url = code ? checkinUrl(request.url, code.code) : null;
  const qr = code && url ? { url, svg: await qrSvg(url) } : null;
  return json({ ...data, qr }, { headers: { "Cache-Control": "no-store" } });
}

type ActionData = {
  notice?: { key: MessageKey; params?: Params };
  error?: { key: string; params?: Params };
  fieldErrors?: FieldErrors;
  /** What was submitted, so a refused form comes back as it was filled in. */
  submitted?: Record<string, AttendanceStatus>;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const sessionId = await sessionIdOf(params);
  await requireSessionStaff(user, sessionId);
  const form = await readFormData(request);
  const parsed = parseForm(form, MarkFormSchema);
  const { marks, fieldErrors } = parseMarks(form);
  const submitted = Object.fromEntries(marks.map((m) => [String(m.personId), m.status]));
  if (!parsed.ok || Object.keys(fieldErrors).length > 0) {
    const errors = { ...fieldErrors, ...(parsed.ok ? {} : parsed.fieldErrors) };
    return json<ActionData>({ error: { key: parsed.ok ? "errors.form" : (parsed.formError ?? "errors.form") }, fieldErrors: errors, submitted }, { status: 400 });
  }
  try {
    const result = await markAttendance({
      sessionId,
      actorId: user.id,
      marks,
      unmarkedAs: parsed.data.intent === "all-present" ? "present" : undefined,
      reason: parsed.data.reason,
    });
    return json<ActionData>({
      notice: result.changed === 0 ? { key: "attendance.session.nothingChanged" } : { key: "attendance.session.saved", params: { count: result.changed } },
    });
  } catch (error) {
    // Every attempt lost a race: 503 errors.busy, the marks still ticked as they were sent.
    const busy = busyActionResponse<ActionData>(error, { submitted });
    if (busy) return busy;
    if (isAttendanceError(error) || isEnrolmentError(error)) {
      const fieldErrors: FieldErrors = error.code === "attendance.errors.reasonRequired" ? { reason: error.code } : {};
      return json<ActionData>({ error: { key: error.code, params: error.params }, fieldErrors, submitted }, { status: 400 });
    }
    throw error;
  }
}

export default function TrainerSession() {
  const { session, offering, learners, counts, checkin, qr, afterCompletion } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale, dateTime } = useT();
  useAutoRefresh(checkin.state !== "closed", REFRESH_MS);
  const title = locale === "en" ? offering.course.titleEn : offering.course.titleZh;
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const label = session.title || t("attendance.sessionNumber", { n: session.number });
  const busy = navigation.state === "submitting";
  const errorText = actionData?.error
    ? isMessageKey(actionData.error.key)
      ? t(actionData.error.key, formatParams(actionData.error.params, dateTime))
      : t("errors.invalid")
    : undefined;
  const checked = (personId: number, current: AttendanceStatus | undefined) => actionData?.submitted?.[String(personId)] ?? current;

  return (
    <>
      <p className="back-link">
        <Link to={`/trainer/classes/${offering.id}`}>{t("attendance.backToClass", { code: offering.code })}</Link>
      </p>
      <h1 data-testid="page-title">
        {label} <span className="muted h1-sub">{t("attendance.session.title")}</span>
      </h1>
      <p className="muted">
        {title} · {offering.code}
        <br />
        {timeRange(locale, session.startsAt, session.endsAt)}
        {session.venue ? ` · ${session.venue}` : ""}
      </p>

      <section className="card checkin-card" aria-labelledby="checkin-title">
        <h2 id="checkin-title">{t("attendance.checkin.title")}</h2>
        {checkin.state === "open" && checkin.code && qr ? (
          <>
            <p className="checkin-code" aria-label={t("attendance.checkin.codeLabel", { code: checkin.code.code.split("").join(" ") })}>
              {formatCheckinCode(checkin.code.code)}
            </p>
            <div className="checkin-qr" role="img" aria-label={t("attendance.checkin.qrLabel")} dangerouslySetInnerHTML={{ __html: qr.svg }} />
            <p className="small">{t("attendance.checkin.how")}</p>
            <p className="muted small">
              {t("attendance.checkin.rotates", { time: clockTime(locale, checkin.code.changesAt) })}{" "}
              <Link to=".">
                {t("attendance.checkin.refresh")}
              </Link>
            </p>
          </>
        ) : checkin.state === "upcoming" ? (
          <p>
            {t("attendance.checkin.opensAt", { time: dateTime(checkin.opensAt) })}{" "}
            <Link to=".">
              {t("attendance.checkin.refresh")}
            </Link>
          </p>
        ) : (
          <p className="muted">{t("attendance.checkin.closed")}</p>
        )}
        <p className="checkin-counts">
          {t("attendance.session.counts", { attended: counts.attended, roster: counts.roster, self: counts.selfCheckedIn, unmarked: counts.unmarked })}
        </p>
      </section>

      <p>
        <Link to={`/trainer/sessions/${session.id}/sheet`}>{t("attendance.class.sheet")}</Link>
      </p>

      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {errorText ? (
        <p className="alert alert--error" role="alert">
          {errorText}
        </p>
      ) : null}

      <section className="card" aria-labelledby="marks-title">
        <h2 id="marks-title">{t("attendance.session.marks")}</h2>
        {learners.length === 0 ? (
          <p className="muted">{t("attendance.class.noLearners")}</p>
        ) : (
          <Form method="post" className="stack">
            <div className="mark-actions">
              <button type="submit" name="intent" value="mark" className="button button--primary" disabled={busy}>
                {t("attendance.session.save")}
              </button>
              <button type="submit" name="intent" value="all-present" className="button" disabled={busy}>
                {t("attendance.session.allPresent")}
              </button>
            </div>
            <p className="muted small">{t("attendance.session.allPresentHint")}</p>
            {checkin.state === "upcoming" ? <p className="alert alert--warning">{t("attendance.session.earlyHint")}</p> : null}
            <ul className="mark-list">
              {learners.map((l) => {
                const current = checked(l.person.id, l.mark?.status);
                const name = markFieldName(l.person.id);
                const fieldError = actionData?.fieldErrors?.[name];
                return (
                  <li key={l.enrolmentId}>
                    <fieldset className="mark-row" aria-invalid={fieldError ? true : undefined}>
                      <legend className="mark-row__who">
                        <strong>{l.person.name}</strong>{" "}
                        <span className="muted small">
                          {l.person.employeeNo} · {unitName(l.person.unit)}
                        </span>
                      </legend>
                      {l.mark ? (
                        <p className="mark-row__note small muted">
                          {t(l.mark.method === "self_checkin" ? "attendance.session.selfCheckedIn" : "attendance.session.recordedAt", {
                            time: clockTime(locale, l.mark.recordedAt),
                          })}
                        </p>
                      ) : null}
                      <div className="mark-choices">
                        {ATTENDANCE_STATUSES.map((status) => (
                          <label key={status} className={`mark-choice mark-choice--${status}`}>
                            <input type="radio" name={name} value={status} defaultChecked={current === status} />
                            <span>{t(`attendance.status.${status}` as MessageKey)}</span>
                          </label>
                        ))}
                      </div>
                      {fieldError ? <span className="field__error">{translateError(t, fieldError)}</span> : null}
                    </fieldset>
                  </li>
                );
              })}
            </ul>
            {afterCompletion ? (
              <TextField
                name="reason"
                label={t("attendance.session.reason")}
                hint={t("attendance.session.reasonHint")}
                error={translateError(t, actionData?.fieldErrors?.reason)}
                maxLength={500}
              />
            ) : null}
            <div className="mark-actions">
              <button type="submit" name="intent" value="mark" className="button button--primary" disabled={busy}>
                {t("attendance.session.save")}
              </button>
            </div>
          </Form>
        )}
      </section>
    </>
  );
}

/** ISO dates among an error's parameters, shown as local date and time. */
function formatParams(params: Params | undefined, dateTime: (value: string) => string): Params | undefined {
  if (!params) return params;
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    out[name] = typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value) ? dateTime(value) : value;
  }
  return out;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
