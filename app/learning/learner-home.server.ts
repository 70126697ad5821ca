// What a learner sees first (/my): this year's credit status with its reasons, the points by
// category and by competency, the sessions coming up, where they stand on waiting lists and
// approvals, what they completed this year and how many notifications are unread — their
// own records only, in a fixed number of queries however much history they have.
import { creditStatusForYear } from "~/credits/ledger.server";
import { db, type DbTx } from "~/utils/db.server";
import { shanghaiDayNumber } from "./dates";

/** How many upcoming sessions the page lists; the calendar feed has all of them. */
export const UPCOMING_SESSION_LIMIT = 40;
/** Sessions within this many days are shown first; the rest fold away. */
export const SOON_DAYS = 14;
const OPEN_APPLICATION = ["waitlisted", "pending_approval"];
const FINISHED = ["completed", "not_completed"];

export type CompetencyPoints = {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  points: number;
  /** False for a competency of an earlier framework that still carries points this year. */
  inActiveFramework: boolean;
};

/**
 * The active framework's competencies (in their order, zeros included, so the radar always
 * has all ten axes), then any other competency with points this year.
 */
async function competencyProfile(client: DbTx, byCompetency: Record<number, number>): Promise<CompetencyPoints[]> {
  const withPoints = Object.keys(byCompetency).map(Number);
  const rows = await client.competency.findMany({
    where: { OR: [{ framework: { status: "active" } }, { id: { in: withPoints } }] },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: {
      id: true,
      code: true,
      nameZh: true,
      nameEn: true,
      frameworkId: true,
      framework: { select: { status: true, version: true } },
    },
  });
  // Two active frameworks would be a publishing mistake; the newer one is the one in force.
  const activeVersion = Math.max(-Infinity, ...rows.filter((r) => r.framework.status === "active").map((r) => r.framework.version));
  const isActive = (row: (typeof rows)[number]) => row.framework.status === "active" && row.framework.version === activeVersion;
  const profile = (row: (typeof rows)[number]): CompetencyPoints => ({
    id: row.id,
    code: row.code,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    points: byCompetency[row.id] ?? 0,
    inActiveFramework: isActive(row),
  });
  return [
    ...rows.filter(isActive).map(profile),
    ...rows.filter((row) => !isActive(row) && (byCompetency[row.id] ?? 0) !== 0).map(profile),
  ];
}

/**
 * Waiting-list position = 1 + the people still waiting in the same class with a lower
 * number (the rule of waitlistPosition in app/enrolment), for all of a learner's waiting
 * places in one query.
 */
export async function waitlistPositions(
  client: DbTx,
  waiting: { id: number; offeringId: number; waitlistNo: number | null }[],
): Promise<Map<number, number>> {
  const numbered = waiting.filter((e): e is typeof e & { waitlistNo: number } => e.waitlistNo !== null);
  const positions = new Map<number, number>();
  if (numbered.length === 0) return positions;
  const ahead = await client.enrolment.findMany({
    where: {
      status: "waitlisted",
      OR: numbered.map((e) => ({ offeringId: e.offeringId, waitlistNo: { lt: e.waitlistNo } })),
    },
    select: { offeringId: true, waitlistNo: true },
  });
  for (const e of numbered) {
    const count = ahead.filter((row) => row.offeringId === e.offeringId && row.waitlistNo !== null && row.waitlistNo < e.waitlistNo).length;
    positions.set(e.id, count + 1);
  }
  return positions;
}

const courseSelect = { select: { code: true, titleZh: true, titleEn: true } } as const;

export async function loadLearnerHome(
  input: { personId: number; userId: number; year: number; now?: Date },
  client: DbTx = db,
) {
  const { personId, userId, year } = input;
  const now = input.now ?? new Date();
  const [person, status, applications, sessions, finished, pointsByOffering, unreadNotifications] = await Promise.all([
    client.person.findUniqueOrThrow({
      where: { id: personId },
      select: {
        name: true,
        employeeNo: true,
        grade: true,
        postTypeCode: true,
        unit: { select: { nameZh: true, nameEn: true } },
      },
    }),
    creditStatusForYear(client, personId, year),
    client.enrolment.findMany({
      where: { personId, status: { in: OPEN_APPLICATION }, offering: { endsAt: { gte: now } } },
      orderBy: [{ offering: { startsAt: "asc" } }, { id: "asc" }],
      select: {
        id: true,
        status: true,
        waitlistNo: true,
        offeringId: true,
        requestedAt: true,
        offering: {
          select: { code: true, startsAt: true, endsAt: true, venue: true, status: true, course: courseSelect },
        },
      },
    }),
    client.classSession.findMany({
      where: {
        endsAt: { gt: now },
        offering: { status: { not: "cancelled" }, enrolments: { some: { personId, status: "enrolled" } } },
      },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
      take: UPCOMING_SESSION_LIMIT,
      select: {
        id: true,
        title: true,
        startsAt: true,
        endsAt: true,
        venue: true,
        offering: { select: { code: true, venue: true, course: courseSelect } },
      },
    }),
    client.enrolment.findMany({
      where: { personId, status: { in: FINISHED }, offering: { creditYear: year } },
      orderBy: [{ completedAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
      select: {
        id: true,
        status: true,
        completedAt: true,
        offeringId: true,
        offering: { select: { code: true, endsAt: true, course: courseSelect } },
      },
    }),
    // Net points per class this year (a reversed completion nets to zero).
    client.ledgerEntry.groupBy({
      by: ["offeringId"],
      where: { personId, creditYear: year, offeringId: { not: null } },
      _sum: { amount: true },
    }),
    client.notification.count({ where: { userId, readAt: null } }),
  ]);

  const [competencies, positions] = await Promise.all([
    competencyProfile(client, status.byCompetency),
    waitlistPositions(
      client,
      applications.filter((e) => e.status === "waitlisted"),
    ),
  ]);

  const today = shanghaiDayNumber(now);
  const upcoming = sessions.map((s) => ({
    id: s.id,
    title: s.title,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    venue: s.venue || s.offering.venue,
    offeringCode: s.offering.code,
    course: s.offering.course,
    /** Calendar days from today in Shanghai: 0 today, 1 tomorrow; negative while it runs. */
    inDays: shanghaiDayNumber(s.startsAt) - today,
  }));
  const points = new Map(pointsByOffering.map((row) => [row.offeringId, row._sum.amount ?? 0]));

  return {
    person,
    status,
    competencies,
    soon: upcoming.filter((s) => s.inDays < SOON_DAYS),
    later: upcoming.filter((s) => s.inDays >= SOON_DAYS),
    applications: applications.map((e) => ({
      id: e.id,
      status: e.status,
      requestedAt: e.requestedAt,
      waitlistPosition: e.status === "waitlisted" ? (positions.get(e.id) ?? null) : null,
      offering: e.offering,
    })),
    completions: finished.map((e) => ({
      id: e.id,
      status: e.status,
      completedAt: e.completedAt ?? e.offering.endsAt,
      offering: e.offering,
      points: points.get(e.offeringId) ?? 0,
    })),
    unreadNotifications,
  };
}

export type LearnerHome = Awaited<ReturnType<typeof loadLearnerHome>>;
