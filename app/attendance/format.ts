// Formatting for the attendance pages (client-safe).
import { formatDate, formatDateRange, type Locale } from "~/i18n/i18n";

/** "10 Mar 2026, 09:00 – 12:00": Intl shortens the range when both ends share a day. */
export function timeRange(locale: Locale, from: string | Date, to: string | Date) {
  return formatDateRange(locale, from, to);
}

/** "09:02" in Shanghai time. */
export function clockTime(locale: Locale, value: string | Date) {
  return formatDate(locale, value, { dateStyle: undefined, timeStyle: "short" });
}
