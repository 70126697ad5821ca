// Formatting for the attendance pages (client-safe).
import { TIME_ZONE, type Locale } from "~/i18n/i18n";

/** "10 Mar 2026, 09:00 – 12:00": Intl shortens the range when both ends share a day. */
export function timeRange(locale: Locale, from: string | Date, to: string | Date) {
  return new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "short" }).formatRange(
    new Date(from),
    new Date(to),
  );
}

/** "09:02" in Shanghai time. */
export function clockTime(locale: Locale, value: string | Date) {
  return new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, timeStyle: "short" }).format(new Date(value));
}
