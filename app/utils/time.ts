import { TIME_ZONE } from "~/i18n/i18n";

/** The calendar year in Shanghai: credit years follow the local calendar, not UTC. */
export function shanghaiYear(date: Date = new Date()): number {
  return Number(new Intl.DateTimeFormat("en", { timeZone: TIME_ZONE, year: "numeric" }).format(date));
}
