// Turning the domain's refusals into a class page's action answer, in the reader's language.
import { json } from "@remix-run/node";
import { BUSY_MESSAGE_KEY, busyActionResponse } from "~/db/busy-response.server";
import { describeEnrolmentMessage, describeMissing } from "~/enrolment/describe";
import { isEnrolmentError } from "~/enrolment/errors";
import { translator, type Locale } from "~/i18n/i18n";
import type { ClassActionData } from "./action-data";
import { isClassError } from "./errors";

/**
 * A ClassError or EnrolmentError as a 400/403/409 answer of the form `intent` (and
 * `target`); a write that lost every retry (TransactionBusyError) as the shared 503 "busy,
 * nothing was saved" — with `formError` already in the reader's language, as these pages show
 * their refusals; anything else is rethrown. (Enrolling, moving and withdrawing keep
 * enrolment's own busy wording: their wrapper turns the busy error into an EnrolmentError.)
 */
export function refusal(error: unknown, locale: Locale, base: Pick<ClassActionData, "intent" | "target">) {
  const busy = busyActionResponse<ClassActionData>(error, { ...base, formError: translator(locale)(BUSY_MESSAGE_KEY) });
  if (busy) return busy;
  if (isClassError(error)) {
    const text = describeEnrolmentMessage(locale, error.code, error.params);
    const data: ClassActionData = error.field ? { ...base, fieldText: { [error.field]: text } } : { ...base, formError: text };
    return json(data, { status: error.code === "classes.errors.notFound" ? 404 : 400 });
  }
  if (isEnrolmentError(error)) {
    let text = describeEnrolmentMessage(locale, error.code, error.params);
    if (error.missing.length) text += ` ${error.missing.map((m) => describeMissing(locale, m)).join("; ")}`;
    const status = error.code === "enrolment.errors.forbidden" ? 403 : error.code === "enrolment.errors.reasonRequired" ? 400 : 409;
    return json<ClassActionData>({ ...base, formError: text }, { status });
  }
  throw error;
}
