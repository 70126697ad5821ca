// Shanghai wall-clock time for HR's forms. `<input type="datetime-local">`, `type="date"` and
// `type="time"` carry no zone: their values are read as Asia/Shanghai local time, converted
// here with the fixed offset (China has kept UTC+8 all year since 1991), never with the
// server's or the browser's own zone, which may be anything. Client-safe: the page fills
// the inputs with the same functions the action parses them with.

const OFFSET_MS = 8 * 60 * 60 * 1000;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The instant of a Shanghai wall-clock time, or null when the fields are not a real time. */
function fromParts(year: number, month: number, day: number, hour: number, minute: number, second = 0): Date | null {
  if (year < 1000 || year > 9999 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  // Date.UTC rolls 30 February over into March: refuse instead.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(utc - OFFSET_MS);
}

/** "2026-03-10T09:00" (a datetime-local value, Shanghai time) → the instant; null if malformed. */
export function parseShanghaiLocal(value: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(value.trim());
  if (!m) return null;
  return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6] ? Number(m[6]) : 0);
}

/** A date ("2026-03-10") and a time ("09:00") in Shanghai → the instant; null if malformed. */
export function parseShanghaiDateTime(date: string, time: string): Date | null {
  const d = LOCAL_DATE.exec(date.trim());
  const t = LOCAL_TIME.exec(time.trim());
  if (!d || !t) return null;
  return fromParts(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), t[3] ? Number(t[3]) : 0);
}

export function isShanghaiDate(value: string): boolean {
  return parseShanghaiDateTime(value, "00:00") !== null;
}

export function isShanghaiTime(value: string): boolean {
  return parseShanghaiDateTime("2000-01-01", value) !== null;
}

/** The instant shifted so that its UTC fields read as Shanghai wall-clock fields. */
function wall(instant: Date | string): Date {
  return new Date(new Date(instant).getTime() + OFFSET_MS);
}

/** The instant as a datetime-local value in Shanghai time: "2026-03-10T09:00". */
export function toShanghaiLocal(instant: Date | string): string {
  return `${toShanghaiDate(instant)}T${toShanghaiTime(instant)}`;
}

/** "2026-03-10": the Shanghai calendar day (a date input's value). */
export function toShanghaiDate(instant: Date | string): string {
  const w = wall(instant);
  return `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
}

/** "09:00": the Shanghai time of day (a time input's value). */
export function toShanghaiTime(instant: Date | string): string {
  const w = wall(instant);
  return `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

/** The Shanghai calendar year of an instant. */
export function shanghaiYearOf(instant: Date | string): number {
  return wall(instant).getUTCFullYear();
}

/** [start, end) of a Shanghai calendar month "YYYY-MM"; null for anything else. */
export function shanghaiMonthRange(month: string): { start: Date; end: Date } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { start: new Date(Date.UTC(year, index, 1) - OFFSET_MS), end: new Date(Date.UTC(year, index + 1, 1) - OFFSET_MS) };
}

/** The [start, end) of a Shanghai calendar year. */
export function shanghaiYearRange(year: number): { start: Date; end: Date } {
  return { start: new Date(Date.UTC(year, 0, 1) - OFFSET_MS), end: new Date(Date.UTC(year + 1, 0, 1) - OFFSET_MS) };
}

/** "2026-01" … "2026-12". */
export function monthsOfYear(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}`);
}
