// Enrolment messages as text in one language, for pages and the API alike. Their parameters
// carry instants as ISO strings and names as Zh/En pairs (see errors.ts); this formats the
// one and picks the other before translating. Client-safe.
import { formatDateTime, isMessageKey, translator, type Locale, type Params } from "~/i18n/i18n";
import { localizeParams, type MessageParams } from "~/notifications/payload";
import type { MissingRequirement } from "./errors";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function localizeEnrolmentParams(locale: Locale, params: MessageParams): Params {
  const formatted: MessageParams = {};
  for (const [key, value] of Object.entries(params)) {
    formatted[key] = typeof value === "string" && ISO_INSTANT.test(value) ? formatDateTime(locale, value) : value;
  }
  return localizeParams(formatted, locale);
}

export function describeEnrolmentMessage(locale: Locale, key: string, params: MessageParams = {}): string {
  const t = translator(locale);
  return isMessageKey(key) ? t(key, localizeEnrolmentParams(locale, params)) : t("errors.invalid");
}

export function describeMissing(locale: Locale, missing: MissingRequirement): string {
  return describeEnrolmentMessage(locale, missing.key, missing.params);
}
