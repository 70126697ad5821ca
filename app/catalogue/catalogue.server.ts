// The course catalogue: what a secretary browses first, usually on a phone.
//
// A page costs a fixed number of queries whatever it shows: the filter choices (competencies
// of the active framework, levels, streets), two counts and one or two slices of courses whose
// related rows (level, competencies, next classes and their host units) Prisma loads with one
// `IN (…)` query per relation, never one per course.
import { db, dialect } from "~/utils/db.server";
import { filtersClasses, seatsLeft, shanghaiMonthRange, type CatalogueFilters } from "./filters.server";

export const CATALOGUE_PAGE_SIZE = 10;
/** Classes shown on a course card; the card says how many more there are. */
export const CLASSES_PER_CARD = 3;
/** Competencies named on a course card: the heaviest weights. */
export const COMPETENCIES_PER_CARD = 3;

/**
 * A substring match that ignores case on both dialects. SQLite's LIKE already ignores ASCII
 * case; PostgreSQL needs `mode: "insensitive"` (ILIKE), which the SQLite client's types don't
 * know, hence the cast.
 */
export function containsText(text: string): { contains: string } {
  return (dialect() === "postgresql" ? { contains: text, mode: "insensitive" } : { contains: text }) as { contains: string };
}

/** Published classes that have not ended yet: the only ones the catalogue offers. */
export function upcomingOfferingWhere(now: Date) {
  return { status: "published", endsAt: { gt: now } };
}

function offeringWhereFor(filters: CatalogueFilters, now: Date) {
  const and: object[] = [];
  // Streets hold residential areas, one level down (district → street → area), so a street's
  // classes are those it hosts itself or one of its areas hosts.
  if (filters.streetId) and.push({ hostUnit: { OR: [{ id: filters.streetId }, { parentId: filters.streetId }] } });
  if (filters.venue) {
    const text = containsText(filters.venue);
    and.push({ OR: [{ venue: text }, { hostUnit: { nameZh: text } }, { hostUnit: { nameEn: text } }] });
  }
  if (filters.month) {
    const range = shanghaiMonthRange(filters.month);
    if (range) and.push({ startsAt: { gte: range.start, lt: range.end } });
  }
  if (filters.seatsLeft) and.push({ seatsTaken: { lt: db.offering.fields.capacity } });
  return { ...upcomingOfferingWhere(now), ...(and.length ? { AND: and } : {}) };
}

function courseWhereFor(filters: CatalogueFilters) {
  const q = filters.q ? containsText(filters.q) : null;
  return {
    archivedAt: null,
    ...(q ? { OR: [{ titleZh: q }, { titleEn: q }, { code: q }] } : {}),
    ...(filters.competencyId ? { competencies: { some: { competencyId: filters.competencyId } } } : {}),
    ...(filters.levelId ? { levelId: filters.levelId } : {}),
    ...(filters.mode ? { mode: filters.mode } : {}),
  };
}

const hostUnitSelect = {
  id: true,
  kind: true,
  nameZh: true,
  nameEn: true,
  parent: { select: { kind: true, nameZh: true, nameEn: true } },
} as const;

type HostUnit = {
  id: number;
  kind: string;
  nameZh: string;
  nameEn: string;
  parent: { kind: string; nameZh: string; nameEn: string } | null;
};

/** The street of a class: its host unit if that is a street, else the street above the area. */
export function streetOf(unit: HostUnit): { nameZh: string; nameEn: string } {
  if (unit.kind === "area" && unit.parent) return { nameZh: unit.parent.nameZh, nameEn: unit.parent.nameEn };
  return { nameZh: unit.nameZh, nameEn: unit.nameEn };
}

/**
 * One page of courses. Courses with an upcoming class that matches come first (a secretary
 * opens the catalogue to find a class), then, unless a filter is about classes, the courses
 * with nothing scheduled; each group by level, then code. The two groups are two queries with
 * complementary `some`/`none` conditions, so a page that straddles them costs one more query
 * for the courses, and the statement count still does not depend on the page's size.
 */
export async function searchCatalogue(filters: CatalogueFilters, now = new Date()) {
  const page = Math.max(1, filters.page ?? 1);
  const offeringWhere = offeringWhereFor(filters, now);
  const courseWhere = courseWhereFor(filters);
  const scheduledWhere = { ...courseWhere, offerings: { some: offeringWhere } };
  const unscheduledWhere = { ...courseWhere, offerings: { none: offeringWhere } };
  const includeUnscheduled = !filtersClasses(filters);

  const [scheduled, unscheduled] = await Promise.all([
    db.course.count({ where: scheduledWhere }),
    includeUnscheduled ? db.course.count({ where: unscheduledWhere }) : Promise.resolve(0),
  ]);
  const total = scheduled + unscheduled;
  const pages = Math.max(1, Math.ceil(total / CATALOGUE_PAGE_SIZE));
  const start = (page - 1) * CATALOGUE_PAGE_SIZE;
  const end = Math.min(total, start + CATALOGUE_PAGE_SIZE);

  // The page's slice of each group: [start, end) of the whole list, split at `scheduled`.
  const slices: { where: typeof scheduledWhere | typeof unscheduledWhere; skip: number; take: number }[] = [];
  if (start < Math.min(end, scheduled)) slices.push({ where: scheduledWhere, skip: start, take: Math.min(end, scheduled) - start });
  if (end > Math.max(start, scheduled)) {
    const from = Math.max(start, scheduled);
    slices.push({ where: unscheduledWhere, skip: from - scheduled, take: end - from });
  }
  const groups = await Promise.all(slices.map((slice) => pageOfCourses(slice, offeringWhere)));
  return { total, page, pages, courses: groups.flat() };
}

async function pageOfCourses(
  slice: { where: object; skip: number; take: number },
  offeringWhere: ReturnType<typeof offeringWhereFor>,
) {
  const rows = await db.course.findMany({
    where: slice.where,
    orderBy: [{ level: { rank: "asc" } }, { code: "asc" }],
    skip: slice.skip,
    take: slice.take,
    select: {
      id: true,
      code: true,
      titleZh: true,
      titleEn: true,
      mode: true,
      durationMinutes: true,
      creditPoints: true,
      hasAssessment: true,
      level: { select: { code: true, nameZh: true, nameEn: true } },
      competencies: {
        orderBy: [{ weight: "desc" }, { competencyId: "asc" }],
        take: COMPETENCIES_PER_CARD,
        select: { weight: true, competency: { select: { id: true, nameZh: true, nameEn: true } } },
      },
      offerings: {
        where: offeringWhere,
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        take: CLASSES_PER_CARD,
        select: {
          id: true,
          code: true,
          startsAt: true,
          endsAt: true,
          capacity: true,
          seatsTaken: true,
          hostUnit: { select: hostUnitSelect },
        },
      },
      _count: { select: { offerings: { where: offeringWhere } } },
    },
  });

  return rows.map(({ offerings, _count, competencies, ...course }) => ({
    ...course,
    competencies: competencies.map((c) => ({ ...c.competency, weight: c.weight })),
    classes: offerings.map(({ hostUnit, capacity, seatsTaken, ...offering }) => ({
      ...offering,
      capacity,
      seatsLeft: seatsLeft({ capacity, seatsTaken }),
      street: streetOf(hostUnit),
    })),
    moreClasses: Math.max(0, _count.offerings - offerings.length),
  }));
}

export type CatalogueCourse = Awaited<ReturnType<typeof searchCatalogue>>["courses"][number];

/** The same filters as the catalogue page, as a `where` on classes (for the API's class list). */
export function catalogueOfferingWhere(filters: CatalogueFilters, now = new Date()) {
  return { ...offeringWhereFor(filters, now), course: courseWhereFor(filters) };
}

export { hostUnitSelect };

/** The choices of the filter form: the active framework's competencies, levels and streets. */
export async function catalogueFilterChoices() {
  const [framework, levels, streets] = await Promise.all([
    db.competencyFramework.findFirst({
      where: { status: "active" },
      orderBy: { version: "desc" },
      select: {
        competencies: {
          orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
          select: { id: true, code: true, nameZh: true, nameEn: true },
        },
      },
    }),
    db.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, code: true, nameZh: true, nameEn: true } }),
    db.unit.findMany({
      where: { kind: "street", archivedAt: null },
      orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
      select: { id: true, nameZh: true, nameEn: true },
    }),
  ]);
  return { competencies: framework?.competencies ?? [], levels, streets };
}
