// One course as the catalogue shows it: what it is, what it develops, what it requires, and
// its upcoming classes with everything a learner weighs before enrolling. A fixed number of
// queries: the course with its relations (one query per relation), and the level below; for
// a learner, their enrolments in these classes, their waiting-list places and whether they
// meet the entry requirements (the enrolment module's own check, so the page and the
// action can never disagree).
import { checkCourseEligibility } from "~/enrolment/eligibility.server";
import type { MissingRequirement } from "~/enrolment/errors";
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
      withdrawOpen: now < offering.withdrawDeadline,
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

export type LearnerClassState = { status: string; waitlistPosition: number | null };

export type LearnerView = {
  eligible: boolean;
  missing: MissingRequirement[];
  /** The learner's enrolment in each listed class they have one in, by offering id. */
  states: Record<number, LearnerClassState>;
};

/**
 * What the course page shows a learner about themselves: their state in each class and what
 * they still lack to enrol. Three queries plus the eligibility check, however many classes.
 */
export async function loadLearnerView(personId: number, course: { id: number; classes: { id: number }[] }): Promise<LearnerView> {
  const offeringIds = course.classes.map((c) => c.id);
  const [enrolments, eligibility] = await Promise.all([
    offeringIds.length
      ? db.enrolment.findMany({
          where: { personId, offeringId: { in: offeringIds } },
          select: { offeringId: true, status: true, waitlistNo: true },
        })
      : Promise.resolve([]),
    checkCourseEligibility(db, { personId, courseId: course.id }),
  ]);

  // Place on a waiting list = 1 + those still waiting who arrived earlier, for every class
  // the learner waits in at once.
  const waiting = enrolments.filter((e) => e.status === "waitlisted" && e.waitlistNo !== null);
  const ahead = new Map<number, number>();
  if (waiting.length) {
    const counts = await db.enrolment.groupBy({
      by: ["offeringId"],
      where: {
        status: "waitlisted",
        OR: waiting.map((e) => ({ offeringId: e.offeringId, waitlistNo: { lt: e.waitlistNo! } })),
      },
      _count: { _all: true },
    });
    for (const row of counts) ahead.set(row.offeringId, row._count._all);
  }

  const states: Record<number, LearnerClassState> = {};
  for (const e of enrolments) {
    states[e.offeringId] = {
      status: e.status,
      waitlistPosition: e.status === "waitlisted" && e.waitlistNo !== null ? (ahead.get(e.offeringId) ?? 0) + 1 : null,
    };
  }
  return { eligible: eligibility.ok, missing: eligibility.ok ? [] : eligibility.missing, states };
}

/** Whether the class is one of this (current) course's: the course page only acts on its own. */
export async function offeringOfCourse(offeringId: number, courseCode: string): Promise<boolean> {
  const offering = await db.offering.findFirst({
    where: { id: offeringId, course: { code: courseCode, archivedAt: null } },
    select: { id: true },
  });
  return offering !== null;
}
