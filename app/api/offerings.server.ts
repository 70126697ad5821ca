// The class list of the JSON API: the catalogue's filters, one row per upcoming class,
// ordered by start time, with keyset (cursor) pagination so a client can page through a
// list that changes underneath it.
import { z } from "zod";
import { decodeCursor, encodeCursor, toPoints } from "~/api/api.server";
import { catalogueOfferingWhere, hostUnitSelect, streetOf } from "~/catalogue/catalogue.server";
import type { CatalogueFilters } from "~/catalogue/filters.server";
import { db } from "~/utils/db.server";

export const OFFERINGS_PAGE_MAX = 100;

const CursorSchema = z.object({ startsAt: z.string().datetime(), id: z.number().int().positive() });

export async function listOfferings(
  filters: CatalogueFilters,
  options: { cursor?: string; limit: number; personId: number | null; now?: Date },
) {
  const after = decodeCursor(options.cursor, CursorSchema);
  const base = catalogueOfferingWhere(filters, options.now ?? new Date());
  const where = after
    ? {
        AND: [
          base,
          {
            OR: [
              { startsAt: { gt: new Date(after.startsAt) } },
              { startsAt: new Date(after.startsAt), id: { gt: after.id } },
            ],
          },
        ],
      }
    : base;
  const rows = await db.offering.findMany({
    where,
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: options.limit + 1,
    select: {
      id: true,
      code: true,
      startsAt: true,
      endsAt: true,
      venue: true,
      capacity: true,
      seatsTaken: true,
      enrolOpensAt: true,
      enrolClosesAt: true,
      withdrawDeadline: true,
      needsApproval: true,
      hostUnit: { select: hostUnitSelect },
      trainer: { select: { displayName: true } },
      course: {
        select: {
          code: true,
          titleZh: true,
          titleEn: true,
          mode: true,
          durationMinutes: true,
          creditPoints: true,
          hasAssessment: true,
          level: { select: { rank: true, code: true, nameZh: true, nameEn: true } },
          competencies: { select: { weight: true, competency: { select: { code: true } } } },
        },
      },
      // The caller's own enrolment, if any: one row at most (unique per person and class).
      // Without a person record, a condition no row meets keeps the shape of the result.
      enrolments: options.personId
        ? { where: { personId: options.personId }, select: { status: true, waitlistNo: true } }
        : { where: { id: -1 }, select: { status: true, waitlistNo: true } },
    },
  });
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(({ hostUnit, enrolments, course, seatsTaken, ...offering }) => ({
      ...offering,
      seatsLeft: Math.max(0, offering.capacity - seatsTaken),
      street: streetOf(hostUnit),
      trainer: offering.trainer?.displayName ?? null,
      course: {
        ...course,
        creditPoints: toPoints(course.creditPoints),
        competencies: course.competencies.map((c) => ({ code: c.competency.code, weight: c.weight })),
      },
      myEnrolment: enrolments[0]?.status ?? null,
    })),
    nextCursor: rows.length > options.limit && last ? encodeCursor({ startsAt: last.startsAt.toISOString(), id: last.id }) : null,
  };
}
