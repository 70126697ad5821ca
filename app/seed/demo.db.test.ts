import bcrypt from "bcryptjs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { creditStatusesForYear } from "~/credits/ledger.server";
import { db, dialect } from "~/utils/db.server";
import { DEMO_PASSWORD, DEMO_USERNAMES, DemoSeedError, ensureDemoSeeded, seedDemo } from "./demo.server";

// 26 Nov 2026, noon in Shanghai: late in the credit year, with classes ahead.
const NOW = new Date("2026-11-26T04:00:00Z");
const YEAR = 2026;

let seededIn = 0;
let passwordHash = "";

beforeAll(async () => {
  passwordHash = bcrypt.hashSync(DEMO_PASSWORD, 4);
  const hash = vi.fn(async () => passwordHash);
  const log = vi.fn();
  const started = Date.now();
  expect(await ensureDemoSeeded(db, { passwordHash: hash, now: NOW, log })).toBe(true);
  seededIn = Date.now() - started;
  expect(hash).toHaveBeenCalledTimes(1);
  expect(log).toHaveBeenCalledTimes(1);
  expect(log.mock.calls[0][0]).toMatch(/^demo data seeded in \d+ ms: 148 people/);
}, 120_000);

describe("the demo seed", () => {
  it("finishes well under 15 seconds on SQLite", () => {
    if (dialect() === "sqlite") expect(seededIn).toBeLessThan(15_000);
  });

  it("seeds only an empty database", async () => {
    const hash = vi.fn(async () => passwordHash);
    expect(await ensureDemoSeeded(db, { passwordHash: hash, now: NOW })).toBe(false);
    expect(hash).not.toHaveBeenCalled();
    await expect(seedDemo(db, { passwordHash, now: NOW })).rejects.toBeInstanceOf(DemoSeedError);
    expect(await db.unit.count({ where: { kind: "district" } })).toBe(1);
  });

  it("builds the Changning unit tree with materialised paths", async () => {
    const units = await db.unit.findMany({ select: { id: true, code: true, kind: true, parentId: true, path: true } });
    const byId = new Map(units.map((u) => [u.id, u]));
    const district = units.filter((u) => u.kind === "district");
    expect(district).toHaveLength(1);
    expect(district[0]).toMatchObject({ code: "CN", parentId: null, path: `/${district[0].id}/` });
    expect(units.filter((u) => u.kind === "street")).toHaveLength(4);
    expect(units.filter((u) => u.kind === "area").length).toBeGreaterThanOrEqual(32);
    for (const unit of units) {
      if (unit.parentId === null) continue;
      expect(unit.path).toBe(`${byId.get(unit.parentId)!.path}${unit.id}/`);
    }
    // Every street has at least six residential areas.
    for (const street of units.filter((u) => u.kind === "street")) {
      expect(units.filter((u) => u.parentId === street.id).length).toBeGreaterThanOrEqual(6);
    }
  });

  it("has people on all three posts, with grades inside each post's range", async () => {
    const people = await db.person.findMany({
      select: { employeeNo: true, name: true, grade: true, postTypeCode: true, secretarySince: true, unit: { select: { kind: true } }, postType: true },
    });
    expect(people.length).toBeGreaterThanOrEqual(130);
    expect(new Set(people.map((p) => p.name)).size).toBe(people.length);
    for (const p of people) {
      expect(p.employeeNo).toMatch(/^CN\d{4}$/);
      expect(p.unit.kind).toBe("area");
      expect(p.grade).toBeGreaterThanOrEqual(p.postType.minGrade);
      expect(p.grade).toBeLessThanOrEqual(p.postType.maxGrade);
      expect(p.secretarySince !== null).toBe(p.postTypeCode === "head");
    }
    const posts = await db.postType.findMany({ orderBy: { sortOrder: "asc" } });
    expect(posts.map((p) => [p.code, p.minGrade, p.maxGrade])).toEqual([
      ["head", 7, 18],
      ["supervisor", 4, 15],
      ["staff", 1, 12],
    ]);
    expect(await db.gradeRecord.count()).toBe(people.length);
  });

  it("has the demo accounts, all with the shared password", async () => {
    const users = await db.user.findMany({
      where: { username: { in: [...DEMO_USERNAMES] } },
      select: { username: true, role: true, scopeUnitId: true, passwordHash: true, mustChangePassword: true, person: { select: { postTypeCode: true, unit: { select: { path: true } } } } },
    });
    const by = Object.fromEntries(users.map((u) => [u.username, u]));
    expect(Object.keys(by).sort()).toEqual([...DEMO_USERNAMES].sort());
    const district = await db.unit.findFirstOrThrow({ where: { kind: "district" } });
    const firstStreet = await db.unit.findFirstOrThrow({ where: { kind: "street" }, orderBy: { sortOrder: "asc" } });
    expect(by.admin).toMatchObject({ role: "admin", scopeUnitId: null });
    expect(by.hr).toMatchObject({ role: "hr", scopeUnitId: district.id });
    expect(by["hr-street"]).toMatchObject({ role: "hr", scopeUnitId: firstStreet.id });
    for (const t of ["trainer", "trainer2", "trainer3"]) expect(by[t].role).toBe("trainer");
    expect(by.secretary.role).toBe("learner");
    expect(by.secretary.person?.postTypeCode).toBe("head");
    expect(by.secretary.person?.unit.path.startsWith(firstStreet.path)).toBe(true);
    expect(users.every((u) => u.passwordHash === passwordHash && !u.mustChangePassword)).toBe(true);
    expect(await bcrypt.compare(DEMO_PASSWORD, by.admin.passwordHash)).toBe(true);
    // Everyone else signs in with their employee number.
    const people = await db.person.count();
    expect(await db.user.count({ where: { role: "learner", personId: { not: null } } })).toBe(people);
    const learner = await db.user.findFirstOrThrow({ where: { username: "CN0002" }, select: { person: { select: { employeeNo: true } } } });
    expect(learner.person?.employeeNo).toBe("CN0002");
  });

  it("has the framework, levels, catalogue and policies", async () => {
    const competencies = await db.competency.findMany({ where: { framework: { version: 1, status: "active" } } });
    expect(competencies).toHaveLength(10);
    expect(competencies.every((c) => c.nameZh && c.nameEn && c.descriptionZh && c.descriptionEn)).toBe(true);
    const levels = await db.level.findMany({ orderBy: { rank: "asc" } });
    expect(levels.map((l) => [l.rank, l.nameZh])).toEqual([
      [1, "新任"],
      [2, "骨干"],
      [3, "示范"],
      [4, "领军"],
    ]);
    const courses = await db.course.findMany({ include: { competencies: true, prerequisites: { include: { requiredCourse: true } }, level: true } });
    expect(courses.length).toBeGreaterThanOrEqual(28);
    expect(new Set(courses.map((c) => c.mode))).toEqual(new Set(["in_person", "online", "camp"]));
    for (const course of courses) {
      expect(course.competencies.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
      for (const p of course.prerequisites) expect(p.requiredCourse.levelId).not.toBe(course.levelId);
    }
    // Points follow the default hour rules: a 6-hour day is 6 points, a 45-minute module 1.
    expect(courses.find((c) => c.durationMinutes === 360)?.creditPoints).toBe(600);
    expect(courses.find((c) => c.durationMinutes === 45)?.creditPoints).toBe(100);
    expect(courses.filter((c) => c.prerequisites.length > 0).length).toBeGreaterThanOrEqual(5);
    expect((await db.creditPolicy.findMany({ orderBy: { year: "asc" } })).map((p) => [p.year, p.version])).toEqual([
      [YEAR - 2, 1],
      [YEAR - 1, 1],
      [YEAR, 1],
    ]);
    expect((await db.creditYear.findMany({ orderBy: { year: "asc" } })).map((y) => y.status)).toEqual(["closed", "closed", "open"]);
    expect(await db.setting.findUnique({ where: { key: "demo" } })).toMatchObject({ value: "true" });
  });

  it("keeps every ledger entry's competency parts equal to its amount", async () => {
    const entries = await db.ledgerEntry.findMany({ select: { id: true, amount: true } });
    const parts = await db.ledgerCompetency.groupBy({ by: ["entryId"], _sum: { amount: true } });
    const sums = new Map(parts.map((p) => [p.entryId, p._sum.amount]));
    expect(entries.length).toBeGreaterThan(3000);
    const wrong = entries.filter((e) => sums.get(e.id) !== e.amount);
    expect(wrong).toEqual([]);
    // Completions point at enrolments that really completed, once each.
    const completions = await db.ledgerEntry.findMany({ where: { sourceType: "completion" }, select: { sourceKey: true } });
    const completedIds = new Set(
      (await db.enrolment.findMany({ where: { status: "completed" }, select: { id: true } })).map((e) => `completion:enrolment:${e.id}#1`),
    );
    expect(completions.length).toBe(completedIds.size);
    expect(completions.every((c) => completedIds.has(c.sourceKey))).toBe(true);
    expect(await db.ledgerEntry.count({ where: { sourceType: "reversal" } })).toBe(1);
  });

  it("keeps seat and waiting-list counters equal to the enrolments", async () => {
    const offerings = await db.offering.findMany({ select: { id: true, capacity: true, seatsTaken: true, waitlistSeq: true } });
    const counts = await db.enrolment.groupBy({ by: ["offeringId", "status"], _count: { _all: true } });
    const count = (offeringId: number, statuses: string[]) =>
      counts.filter((c) => c.offeringId === offeringId && statuses.includes(c.status)).reduce((sum, c) => sum + c._count._all, 0);
    for (const o of offerings) {
      expect(o.seatsTaken).toBe(count(o.id, ["enrolled", "completed", "not_completed"]));
      expect(o.waitlistSeq).toBe(count(o.id, ["waitlisted"]));
      expect(o.seatsTaken).toBeLessThanOrEqual(o.capacity);
    }
    const upcoming = await db.offering.findMany({ where: { startsAt: { gt: NOW }, status: "published" }, select: { id: true, seatsTaken: true, capacity: true, waitlistSeq: true, needsApproval: true } });
    expect(upcoming.length).toBeGreaterThanOrEqual(8);
    expect(upcoming.some((o) => o.seatsTaken === o.capacity && o.waitlistSeq > 0)).toBe(true);
    expect(upcoming.some((o) => o.needsApproval && count(o.id, ["pending_approval"]) > 0)).toBe(true);
    const waitlisted = await db.enrolment.findMany({ where: { status: "waitlisted" }, select: { offeringId: true, waitlistNo: true } });
    expect(waitlisted.every((w) => w.waitlistNo !== null && w.waitlistNo >= 1)).toBe(true);
    // This year's classes cover most of the catalogue.
    const thisYear = await db.offering.findMany({ where: { creditYear: YEAR }, select: { courseId: true } });
    expect(new Set(thisYear.map((o) => o.courseId)).size).toBeGreaterThanOrEqual(20);
  });

  it("runs a five-day camp with staff, teams, a brief and a rubric", async () => {
    const camps = await db.camp.findMany({
      include: {
        offering: { include: { sessions: true, course: true } },
        staff: { include: { user: true } },
        teams: { include: { members: true, projects: { include: { versions: true } } } },
        briefs: true,
        rubrics: { include: { criteria: { include: { levels: true } } } },
      },
    });
    expect(camps).toHaveLength(1);
    const camp = camps[0];
    expect(camp.offering.course.mode).toBe("camp");
    const days = new Set(camp.offering.sessions.map((s) => new Date(s.startsAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)));
    expect(days.size).toBe(5);
    expect(camp.passMark).toBeGreaterThan(0);
    expect(camp.staff.map((s) => [s.user.username, s.role]).sort()).toEqual([
      ["trainer", "lead"],
      ["trainer2", "mentor"],
      ["trainer3", "judge"],
    ]);
    expect(camp.teams).toHaveLength(4);
    for (const team of camp.teams) {
      expect(team.members.length).toBeGreaterThanOrEqual(4);
      expect(team.projects).toHaveLength(1);
      expect(team.projects[0].versions).toHaveLength(1);
    }
    const members = camp.teams.flatMap((t) => t.members.map((m) => m.personId));
    expect(new Set(members).size).toBe(members.length);
    expect(await db.enrolment.count({ where: { offeringId: camp.offeringId, status: "enrolled" } })).toBe(members.length);
    expect(camp.briefs).toHaveLength(1);
    expect(camp.rubrics).toHaveLength(1);
    const criteria = camp.rubrics[0].criteria;
    expect(criteria.length).toBeGreaterThanOrEqual(4);
    expect(criteria.length).toBeLessThanOrEqual(5);
    expect(criteria.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    expect(criteria.every((c) => c.levels.length === 4)).toBe(true);
  });

  it("gives the secretary past credits, completions this year and an upcoming class", async () => {
    const secretary = await db.user.findUniqueOrThrow({ where: { username: "secretary" }, select: { personId: true } });
    const personId = secretary.personId!;
    for (const year of [YEAR - 2, YEAR - 1]) {
      const sum = await db.ledgerEntry.aggregate({ where: { personId, creditYear: year }, _sum: { amount: true } });
      expect(sum._sum.amount).toBeGreaterThanOrEqual(5600);
    }
    expect(await db.ledgerEntry.count({ where: { personId, creditYear: YEAR, sourceType: "completion" } })).toBeGreaterThan(0);
    expect(await db.enrolment.count({ where: { personId, status: "enrolled", offering: { startsAt: { gt: NOW } } } })).toBeGreaterThan(0);
  });

  it("has realistic past years: most near or above 56 points, some below, appraisals within the quota", async () => {
    const people = await db.person.findMany({ select: { id: true, unit: { select: { parentId: true } } } });
    for (const year of [YEAR - 2, YEAR - 1]) {
      const statuses = [...(await creditStatusesForYear(db, year, people.map((p) => p.id))).values()];
      const met = statuses.filter((s) => s.met).length;
      const near = statuses.filter((s) => s.counted >= 5000).length;
      expect(near / statuses.length).toBeGreaterThan(0.6);
      expect(met).toBeLessThan(statuses.length);
      expect(met / statuses.length).toBeGreaterThan(0.5);

      const appraisals = await db.appraisal.findMany({ where: { year }, select: { personId: true, rating: true } });
      expect(appraisals).toHaveLength(people.length);
      const streetOf = new Map(people.map((p) => [p.id, p.unit.parentId]));
      const byStreet = new Map<number | null, { total: number; excellent: number }>();
      for (const a of appraisals) {
        const s = byStreet.get(streetOf.get(a.personId)!) ?? { total: 0, excellent: 0 };
        s.total += 1;
        if (a.rating === "excellent") s.excellent += 1;
        byStreet.set(streetOf.get(a.personId)!, s);
      }
      for (const s of byStreet.values()) expect(s.excellent / s.total).toBeLessThanOrEqual(0.2);
      expect(appraisals.filter((a) => a.rating === "fail").length).toBeLessThanOrEqual(2);
    }
  });
});
