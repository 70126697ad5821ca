// A camp's length ("5 天 4 晚"), derived from its class's dates rather than stored: the class's
// start and end are the one truth, so a three-day camp reads "3 天 2 晚" without anyone keeping a
// second number in step. Camp.nights stays in the schema (the lead's) but nothing reads it.
import { toShanghaiDate } from "~/classes/shanghai-time";

const DAY_MS = 86_400_000;

/** Calendar days from the start's to the end's date in Asia/Shanghai, both counted; nights = days − 1. */
export function campLength(startsAt: Date | string, endsAt: Date | string): { days: number; nights: number } {
  const day = (instant: Date | string) => Date.parse(`${toShanghaiDate(instant)}T00:00:00Z`);
  const days = Math.max(1, Math.round((day(endsAt) - day(startsAt)) / DAY_MS) + 1);
  return { days, nights: days - 1 };
}
