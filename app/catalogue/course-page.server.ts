// One course as the catalogue shows it: what it is, what it develops, what it requires, and
// its upcoming classes with everything a learner weighs before enrolling. A fixed number of
// queries: the course with its relations (one query per relation), and the level below.
import { db } from "~/utils/db.server";
import { streetOf, upcomingOfferingWhere } from "./catalogue.server";
import { seatsLeft } from "./filters.server";

/** More than any course runs at once; a bound so a page never grows without limit. */
export const MAX_CLASSES_ON_COURSE_PAGE = 50;

export async function loadCoursePage(code: string, now = new Date()) {
  const course = await db.course.findUnique({
    where: { code },
    select: {
      id: true,
      code: true,
      titleZh: true,
      titleEn: true,
      summaryZh: true,
      summaryEn: true,
      mode: true,
      durationMinutes: true,
      creditPoints: true,
      hasAssessment: true,
      archivedAt: true,
      level: { select: { id: true, rank: true, code: true, nameZh: true, nameEn: true } },
      competencies: {
        orderBy: [{ weight: "desc" }, { competencyId: "asc" }],
        select: { weight: true, competency: { select: { id: true, code: true, nameZh: true, nameEn: true } } },
      },
      prerequisites: {
        orderBy: { requiredCourseId: "asc" },
        select: { requiredCourse: { select: { code: true, titleZh: true, titleEn: true, archivedAt: true } } },
      },
      offerings: {
        where: upcomingOfferingWhere(now),
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        take: MAX_CLASSES_ON_COURSE_PAGE,
        select: {
          id: true,
          code: true,
          venue: true,
          capacity: true,
          seatsTaken: true,
          enrolOpensAt: true,
          enrolClosesAt: true,
          withdrawDeadline: true,
          startsAt: true,
          endsAt: true,
          needsApproval: true,
          hostUnit: { select: { id: true, kind: true, nameZh: true, nameEn: true, parent: { select: { kind: true, nameZh: true, nameEn: true } } } },
          trainer: { select: { displayName: true } },
          // Never the check-in secret: only what a learner may see of a session.
          sessions: {
            orderBy: [{ startsAt: "asc" }, { id: "asc" }],
            select: { id: true, title: true, startsAt: true, endsAt: true, venue: true },
          },
          _count: { select: { enrolments: { where: { status: "waitlisted" } } } },
        },
      },
    },
  });
  if (!course || course.archivedAt) return null;

  const levelBelow = await db.level.findFirst({
    where: { rank: { lt: course.level.rank } },
    orderBy: { rank: "desc" },
    select: { code: true, nameZh: true, nameEn: true },
  });

  const { archivedAt: _archivedAt, competencies, prerequisites, offerings, ...rest } = course;
  return {
    ...rest,
    competencies: competencies.map((c) => ({ ...c.competency, weight: c.weight })),
    levelBelow,
    prerequisiteCourses: prerequisites.map(({ requiredCourse: { archivedAt, ...required } }) => ({
      ...required,
      archived: archivedAt !== null,
    })),
    classes: offerings.map(({ hostUnit, _count, trainer, ...offering }) => ({
      ...offering,
      seatsLeft: seatsLeft(offering),
      waiting: _count.enrolments,
      street: streetOf(hostUnit),
      hostUnit: { nameZh: hostUnit.nameZh, nameEn: hostUnit.nameEn },
      trainerName: trainer?.displayName ?? null,
      enrolment: enrolmentWindow(offering, now),
    })),
  };
}

export type CoursePage = NonNullable<Awaited<ReturnType<typeof loadCoursePage>>>;

/** Where a class's enrolment window stands at `now`. */
export function enrolmentWindow(
  offering: { enrolOpensAt: Date; enrolClosesAt: Date },
  now: Date,
): "not_open" | "open" | "closed" {
  if (now < offering.enrolOpensAt) return "not_open";
  if (now >= offering.enrolClosesAt) return "closed";
  return "open";
}
