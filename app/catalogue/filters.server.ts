// The catalogue's filters: what a query string may ask for, and the pure date arithmetic
// behind the month filter. Months are Shanghai calendar months, because a class that starts
// at 01:00 on 1 April in Shanghai is an April class even though it is still March in UTC.
import { z } from "zod";

export const COURSE_MODES = ["in_person", "online", "camp"] as const;
export type CourseMode = (typeof COURSE_MODES)[number];

/** Shanghai has kept UTC+8 all year since 1991, so a month boundary is a fixed offset. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export type CatalogueFilters = {
  q?: string;
  competencyId?: number;
  levelId?: number;
  mode?: CourseMode;
  streetId?: number;
  venue?: string;
  /** "YYYY-MM", a Shanghai calendar month of the class start. */
  month?: string;
  /** Only classes with at least one free seat. */
  seatsLeft?: boolean;
  page?: number;
};

const optionalText = z
  .string()
  .trim()
  .max(100)
  .optional()
  .transform((v) => (v ? v : undefined))
  .catch(undefined);
const optionalId = z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined);

/**
 * The GET form's fields as they arrive in the URL. A malformed value is dropped rather than
 * refused: a stale bookmark or a hand-edited link still shows the catalogue.
 */
export const CatalogueQuerySchema = z
  .object({
    q: optionalText,
    competency: optionalId,
    level: optionalId,
    mode: z.enum(COURSE_MODES).optional().catch(undefined),
    street: optionalId,
    venue: optionalText,
    month: z.string().regex(MONTH_PATTERN).optional().catch(undefined),
    seats: z.literal("1").optional().catch(undefined),
    page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  })
  .transform(
    (raw): CatalogueFilters => ({
      q: raw.q,
      competencyId: raw.competency,
      levelId: raw.level,
      mode: raw.mode,
      streetId: raw.street,
      venue: raw.venue,
      month: raw.month,
      seatsLeft: raw.seats === "1",
      page: raw.page,
    }),
  );

export function parseCatalogueQuery(searchParams: URLSearchParams): CatalogueFilters {
  return CatalogueQuerySchema.parse(Object.fromEntries(searchParams));
}

/** The filters back as the query-string fields of the form (for pagination links). */
export function catalogueQueryParams(filters: CatalogueFilters): Record<string, string> {
  return {
    q: filters.q ?? "",
    competency: filters.competencyId ? String(filters.competencyId) : "",
    level: filters.levelId ? String(filters.levelId) : "",
    mode: filters.mode ?? "",
    street: filters.streetId ? String(filters.streetId) : "",
    venue: filters.venue ?? "",
    month: filters.month ?? "",
    seats: filters.seatsLeft ? "1" : "",
  };
}

/** [start, end) in UTC of a Shanghai calendar month "YYYY-MM"; null for anything else. */
export function shanghaiMonthRange(month: string): { start: Date; end: Date } | null {
  const match = MONTH_PATTERN.exec(month);
  if (!match) return null;
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1;
  return {
    start: new Date(Date.UTC(year, monthIndex, 1) - SHANGHAI_OFFSET_MS),
    end: new Date(Date.UTC(year, monthIndex + 1, 1) - SHANGHAI_OFFSET_MS),
  };
}

/** The Shanghai calendar month "YYYY-MM" that an instant falls in. */
export function shanghaiMonthOf(instant: Date): string {
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** This Shanghai month and the `count - 1` after it, for the month filter's choices. */
export function upcomingMonths(now: Date, count = 12): string[] {
  const [year, month] = shanghaiMonthOf(now).split("-").map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  });
}

/** Free seats, never negative (an administrator may lower a capacity below the seats taken). */
export function seatsLeft(offering: { capacity: number; seatsTaken: number }): number {
  return Math.max(0, offering.capacity - offering.seatsTaken);
}

/** Whether any filter narrows the classes (rather than only the courses). */
export function filtersClasses(filters: CatalogueFilters): boolean {
  return Boolean(filters.streetId || filters.venue || filters.month || filters.seatsLeft);
}
