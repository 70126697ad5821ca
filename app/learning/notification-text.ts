// A stored notification ({key, params}) as text in the reader's language. Client-safe.
// Names travel as Zh/En pairs (localizeParams picks one), dates as ISO strings (formatted
// here), and a payload this version cannot render becomes a generic sentence — never a raw key.
import { formatDateTime, type Locale, type Params, type Translate } from "~/i18n/i18n";
import { localizeParams, type NotificationPayload } from "~/notifications/payload";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function notificationText(t: Translate, locale: Locale, message: NotificationPayload | null): string {
  if (!message) return t("learning.notifications.generic");
  const params: Params = {};
  for (const [name, value] of Object.entries(localizeParams(message.params, locale))) {
    params[name] = typeof value === "string" && ISO_DATE_TIME.test(value) ? formatDateTime(locale, value) : value;
  }
  const text = t(message.key, params);
  // A template whose parameters were not all supplied would show "{course}" to the reader.
  return /\{\w+\}/.test(text) ? t("learning.notifications.generic") : text;
}
