import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { normalizeCheckinCode } from "~/attendance/checkin-code.server";
import { openSessionsFor, selfCheckIn } from "~/attendance/checkin.server";
import { isAttendanceError } from "~/attendance/errors";
import { clockTime, timeRange } from "~/attendance/format";
import { formatCheckinCode } from "~/attendance/statuses";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { busyActionResponse } from "~/db/busy-response.server";
import { isEnrolmentError } from "~/enrolment/errors";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const CheckinSchema = z.object({
  code: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .max(20, msg("attendance.errors.codeFormat"))
    .transform((value, ctx) => {
      const code = normalizeCheckinCode(value);
      if (!code) {
        ctx.addIssue({ code: "custom", message: msg("attendance.errors.codeFormat") });
        return z.NEVER;
      }
      return code;
    }),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  // Arriving from the QR code: the code is filled in, and one tap (a POST) checks in —
  // a GET never writes.
  const given = new URL(request.url).searchParams.get("code") ?? "";
  const code = normalizeCheckinCode(given.slice(0, 20)) ?? "";
  const sessions = user.personId ? await openSessionsFor(user.personId) : [];
  return json({ code, hasPerson: user.personId !== null, sessions }, { headers: { "Cache-Control": "no-store" } });
}

type CheckedIn = Awaited<ReturnType<typeof selfCheckIn>>;
type ActionData =
  | { ok: true; outcome: CheckedIn["outcome"]; status: CheckedIn["status"]; session: CheckedIn["session"] }
  | { ok: false; error: { key: string; params?: Params }; fieldErrors?: FieldErrors; code?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "learner");
  const form = await readFormData(request);
  const typed = String(form.get("code") ?? "").slice(0, 20);
  const parsed = parseForm(form, CheckinSchema);
  if (!parsed.ok) {
    return json<ActionData>({ ok: false, error: { key: "errors.form" }, fieldErrors: parsed.fieldErrors, code: typed }, { status: 400 });
  }
  try {
    const result = await selfCheckIn({ userId: user.id, personId: user.personId, code: parsed.data.code });
    return json<ActionData>({ ok: true, ...result });
  } catch (error) {
    // Every attempt lost a race: 503 errors.busy, the typed code kept for another try.
    const busy = busyActionResponse(error, { ok: false as const, code: typed });
    if (busy) return busy;
    if (isAttendanceError(error) || isEnrolmentError(error)) {
      const status = error.code === "attendance.errors.throttled" ? 429 : 400;
      return json<ActionData>({ ok: false, error: { key: error.code, params: error.params }, code: typed }, { status });
    }
    throw error;
  }
}

export default function CheckIn() {
  const { code, hasPerson, sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale } = useT();
  const courseTitle = (c: { titleZh: string; titleEn: string }) => (locale === "en" ? c.titleEn : c.titleZh);
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const success = actionData && actionData.ok ? actionData : undefined;
  const errorText = failure
    ? isMessageKey(failure.error.key)
      ? t(failure.error.key, withTimes(failure.error.params, (v) => clockTime(locale, v)))
      : t("errors.invalid")
    : undefined;

  if (!hasPerson) {
    return (
      <>
        <h1 data-testid="page-title">{t("attendance.my.title")}</h1>
        <p className="alert alert--warning">{t("attendance.errors.noPerson")}</p>
      </>
    );
  }
  return (
    <div className="narrow">
      <h1 data-testid="page-title">{t("attendance.my.title")}</h1>
      {success ? (
        <div className={success.outcome === "alreadyMarked" ? "alert alert--warning" : "alert alert--success"} role="status">
          <p className="checkin-result__title">
            {t(`attendance.my.outcome.${success.outcome}` as MessageKey, {
              status: t(`attendance.status.${success.status}` as MessageKey),
            })}
          </p>
          <p>
            {courseTitle(success.session.offering.course)} · {timeRange(locale, success.session.startsAt, success.session.endsAt)}
          </p>
        </div>
      ) : null}
      {errorText ? (
        <p className="alert alert--error" role="alert">
          {errorText}
        </p>
      ) : null}

      <Form method="post" className="card stack checkin-form">
        <TextField
          name="code"
          label={t("attendance.my.code")}
          hint={code && !actionData ? t("attendance.my.fromQr") : t("attendance.my.codeHint")}
          defaultValue={failure?.code ?? (success ? "" : code ? formatCheckinCode(code) : "")}
          key={success ? "done" : "form"}
          error={translateError(t, failure?.fieldErrors?.code)}
          required
          autoComplete="one-time-code"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          inputMode="text"
          maxLength={20}
          className="checkin-form__input"
        />
        <button type="submit" className="button button--primary checkin-form__submit" disabled={navigation.state === "submitting"}>
          {t("attendance.my.submit")}
        </button>
      </Form>

      <section aria-labelledby="open-title">
        <h2 id="open-title">{t("attendance.my.openNow")}</h2>
        {sessions.length === 0 ? (
          <p className="muted">{t("attendance.my.noneOpen")}</p>
        ) : (
          <ul className="list card">
            {sessions.map((s) => (
              <li key={s.id}>
                <strong>{courseTitle(s.offering.course)}</strong>
                <br />
                <span className="muted small">
                  {timeRange(locale, s.startsAt, s.endsAt)}
                  {s.venue ? ` · ${s.venue}` : ""}
                </span>
                <br />
                {s.mark ? (
                  <span className="badge badge--ok">
                    {t("attendance.my.recorded", { status: t(`attendance.status.${s.mark.status}` as MessageKey) })}
                  </span>
                ) : (
                  <span className="badge badge--todo">{t("attendance.my.notYet")}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** ISO times among an error's parameters (the end of a lock-out), shown as a local time. */
function withTimes(params: Params | undefined, time: (value: string) => string): Params | undefined {
  if (!params) return params;
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value) ? time(value) : value]),
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
