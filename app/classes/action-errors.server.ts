// Turning the domain's refusals into a class page's action answer, in the reader's language.
import { json } from "@remix-run/node";
import { describeEnrolmentMessage, describeMissing } from "~/enrolment/describe";
import { isEnrolmentError } from "~/enrolment/errors";
import type { Locale } from "~/i18n/i18n";
import type { ClassActionData } from "./action-data";
import { isClassError } from "./errors";

/**
 * A ClassError or EnrolmentError as a 400/403/409 answer of the form `intent` (and
 * `target`); anything else is rethrown.
 */
export function refusal(error: unknown, locale: Locale, base: Pick<ClassActionData, "intent" | "target">) {
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
