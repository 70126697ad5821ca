// How HR's class pages write dates: always in Shanghai time. Client-safe.
//
// The page is rendered on the server and hydrated in the browser, so both must produce the
// same characters. They don't always: Node's ICU writes "9:00 AM" with a narrow no-break
// space (U+202F) in formatRange and some browsers do in format, others use a plain space,
// and a mismatch makes React throw the server's HTML away. So: no formatRange, and those
// spaces made plain.
import { TIME_ZONE, type Locale } from "~/i18n/i18n";
import { toShanghaiDate } from "./shanghai-time";

const plain = (text: string) => text.replace(/[\u00a0\u2009\u202f]/g, " ");

/** "Dec 15, 2026, 9:00 AM" / "2026年12月15日 09:00". */
export function dateTimeText(locale: Locale, value: string | Date) {
  return plain(new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "short" }).format(new Date(value)));
}

/** "2026年12月15日 09:00 – 12:00", or with both dates when the range crosses a Shanghai day. */
export function dateTimeRange(locale: Locale, from: string | Date, to: string | Date) {
  const sameDay = toShanghaiDate(from) === toShanghaiDate(to);
  const end = sameDay
    ? plain(new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, timeStyle: "short" }).format(new Date(to)))
    : dateTimeText(locale, to);
  return `${dateTimeText(locale, from)} – ${end}`;
}

/** "3月10日 – 3月12日" / "Mar 10 – Mar 12" for a class's dates (one date when they share a day). */
export function dayRange(locale: Locale, from: string | Date, to: string | Date) {
  const format = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, month: "short", day: "numeric" });
  const [start, end] = [plain(format.format(new Date(from))), plain(format.format(new Date(to)))];
  return start === end ? start : `${start} – ${end}`;
}
