// Dates as a learner reads them: Shanghai calendar days and short, weekday-first session
// times. Client-safe (the server computes day offsets, the page formats).
import { TIME_ZONE, type Locale } from "~/i18n/i18n";

const DAY = 24 * 3600_000;
const dayParts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });

/** The Shanghai calendar day of a moment, as a day count (so differences are whole days). */
export function shanghaiDayNumber(value: Date | string): number {
  const parts = Object.fromEntries(dayParts.formatToParts(new Date(value)).map((p) => [p.type, p.value]));
  return Math.round(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / DAY);
}

/** The pieces of a date tile: "3月" / "11" / "周三" (or "Mar" / "11" / "Wed"). */
export function dateTile(locale: Locale, value: Date | string) {
  const date = new Date(value);
  const part = (options: Intl.DateTimeFormatOptions, type: Intl.DateTimeFormatPartTypes) =>
    new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, ...options }).formatToParts(date).find((p) => p.type === type)?.value ?? "";
  return {
    month: new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, month: "short" }).format(date),
    day: part({ day: "numeric" }, "day"),
    weekday: new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, weekday: "short" }).format(date),
  };
}

/**
 * ICU versions differ in the spaces they put around a range's dash (Node's writes thin
 * spaces, Chromium's plain ones); plain spaces everywhere keep server and browser text equal,
 * so hydration doesn't fail.
 */
const plainSpaces = (text: string) => text.replace(/[\u2009\u202f\u00a0]/g, " ");

/** "09:00–12:30", or with dates when a session runs over midnight. */
export function timeRange(locale: Locale, from: Date | string, to: Date | string) {
  const sameDay = shanghaiDayNumber(from) === shanghaiDayNumber(to);
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
    : { timeZone: TIME_ZONE, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return plainSpaces(new Intl.DateTimeFormat(locale, options).formatRange(new Date(from), new Date(to)));
}

/** "3月10日 – 3月12日" (or one date) for a class's dates. */
export function dateRange(locale: Locale, from: Date | string, to: Date | string) {
  const format = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, month: "long", day: "numeric" });
  const [start, end] = [format.format(new Date(from)), format.format(new Date(to))];
  return plainSpaces(start === end ? start : `${start} – ${end}`);
}
