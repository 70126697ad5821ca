// Catalogue and class builders for the enrolment tests: levels, courses with competency
// weights, offerings with a fixed calendar (tests pass `now` explicitly and never read the
// clock), sessions and learners with accounts.
import { db } from "../../app/utils/db.server";
import { makePerson, makeUser } from "./factories";

let seq = 0;
const next = () => ++seq;

/** The calendar every offering uses unless a test says otherwise (UTC). */
export const CALENDAR = {
  opens: new Date("2026-02-01T00:00:00Z"),
  closes: new Date("2026-03-01T00:00:00Z"),
  withdrawDeadline: new Date("2026-03-05T00:00:00Z"),
  starts: new Date("2026-03-10T01:00:00Z"),
  ends: new Date("2026-03-12T10:00:00Z"),
};
/** A moment inside the enrolment window, before the withdrawal deadline. */
export const DURING_WINDOW = new Date("2026-02-15T02:00:00Z");
/** After the class has ended. */
export const AFTER_CLASS = new Date("2026-03-20T00:00:00Z");

export type Catalogue = {
  competencyIds: number[];
  /** Ranks 1..4: 新任, 骨干, 示范, 领军. */
  levels: { id: number; rank: number; code: string }[];
};

export async function makeCatalogue(): Promise<Catalogue> {
  const n = next();
  const framework = await db.competencyFramework.create({
    data: { version: 1000 + n, nameZh: "十大素养", nameEn: "Ten competencies", status: "active" },
  });
  const competencyIds: number[] = [];
  for (const code of ["political", "residents", "mediation"]) {
    const c = await db.competency.create({ data: { frameworkId: framework.id, code: `${code}${n}`, nameZh: code, nameEn: code } });
    competencyIds.push(c.id);
  }
  const existing = await db.level.findMany({ orderBy: { rank: "asc" }, select: { id: true, rank: true, code: true } });
  if (existing.length > 0) return { competencyIds, levels: existing };
  const levels = [];
  for (const [rank, code, nameZh, nameEn] of [
    [1, "new", "新任", "Newly appointed"],
    [2, "core", "骨干", "Core"],
    [3, "model", "示范", "Model"],
    [4, "leading", "领军", "Leading"],
  ] as const) {
    levels.push(await db.level.create({ data: { rank, code, nameZh, nameEn }, select: { id: true, rank: true, code: true } }));
  }
  return { competencyIds, levels };
}

export async function makeCourse(
  catalogue: Catalogue,
  options: { rank?: number; mode?: string; creditPoints?: number; weights?: number[]; durationMinutes?: number } = {},
) {
  const n = next();
  const level = catalogue.levels.find((l) => l.rank === (options.rank ?? 1))!;
  const weights = options.weights ?? [50, 30, 20];
  return db.course.create({
    data: {
      code: `C${n}`,
      titleZh: `课程${n}`,
      titleEn: `Course ${n}`,
      levelId: level.id,
      mode: options.mode ?? "in_person",
      durationMinutes: options.durationMinutes ?? 420,
      creditPoints: options.creditPoints ?? 600,
      competencies: {
        create: weights.map((weight, i) => ({ competencyId: catalogue.competencyIds[i], weight })).filter((w) => w.weight > 0),
      },
    },
  });
}

export async function makeOffering(
  courseId: number,
  hostUnitId: number,
  options: { capacity?: number; needsApproval?: boolean; status?: string; creditYear?: number } & Partial<typeof CALENDAR> = {},
) {
  const n = next();
  return db.offering.create({
    data: {
      code: `O${n}`,
      courseId,
      hostUnitId,
      capacity: options.capacity ?? 10,
      enrolOpensAt: options.opens ?? CALENDAR.opens,
      enrolClosesAt: options.closes ?? CALENDAR.closes,
      withdrawDeadline: options.withdrawDeadline ?? CALENDAR.withdrawDeadline,
      startsAt: options.starts ?? CALENDAR.starts,
      endsAt: options.ends ?? CALENDAR.ends,
      needsApproval: options.needsApproval ?? false,
      status: options.status ?? "published",
      creditYear: options.creditYear ?? 2026,
    },
  });
}

/** Sessions of the given lengths (minutes), one a day from the class start. */
export async function makeSessions(offeringId: number, minutes: number[]) {
  const sessions = [];
  for (const [i, length] of minutes.entries()) {
    const startsAt = new Date(CALENDAR.starts.getTime() + i * 24 * 3600_000);
    sessions.push(
      await db.classSession.create({
        data: { offeringId, startsAt, endsAt: new Date(startsAt.getTime() + length * 60_000), checkinSecret: `s${next()}` },
      }),
    );
  }
  return sessions;
}

/** A learner with an account (so notifications have a reader). */
export async function makeLearner(unitId: number, options: { withAccount?: boolean } = {}) {
  const person = await makePerson(unitId);
  const user = options.withAccount === false ? null : await makeUser("learner", { personId: person.id });
  return { person, user };
}

/** Many people at once (concurrency tests), without accounts. */
export async function makePeople(unitId: number, count: number) {
  const made = await makePerson(unitId);
  const n = next();
  await db.person.createMany({
    data: Array.from({ length: count - 1 }, (_, i) => ({
      employeeNo: `P${n}-${i}`,
      name: `学员${i}`,
      unitId,
      postTypeCode: "staff",
      grade: 3,
      hiredOn: new Date("2020-03-01T00:00:00Z"),
      education: "bachelor",
    })),
  });
  const rest = await db.person.findMany({ where: { employeeNo: { startsWith: `P${n}-` } }, select: { id: true }, orderBy: { id: "asc" } });
  return [made.id, ...rest.map((p) => p.id)];
}

/** A finished class of `courseId` the person completed (for eligibility). */
export async function makeCompletion(courseId: number, hostUnitId: number, personId: number) {
  const offering = await makeOffering(courseId, hostUnitId, { status: "closed" });
  return db.enrolment.create({ data: { offeringId: offering.id, personId, status: "completed", completedAt: CALENDAR.ends } });
}

export async function notificationsOf(userId: number) {
  const rows = await db.notification.findMany({ where: { userId }, orderBy: { id: "asc" }, select: { kind: true, payload: true } });
  return rows.map((r) => ({ kind: r.kind, ...(JSON.parse(r.payload) as { key: string; params: Record<string, unknown> }) }));
}

/** A SessionUser-like HR actor scoped to a unit path. */
export async function makeHr(scopeUnitId: number) {
  const user = await makeUser("hr", { scopeUnitId });
  const unit = await db.unit.findUniqueOrThrow({ where: { id: scopeUnitId }, select: { path: true } });
  return { id: user.id, role: "hr" as const, scopeUnitPath: unit.path };
}
