// My learning (/my, /my/transcript, /my/notifications, /my/calendar.ics), called as Remix calls
// them: real Requests with session cookies against a fresh database, on SQLite and on
// PostgreSQL. Two learners share classes; neither may ever see the other's records.
import { beforeAll, describe, expect, it } from "vitest";
import { awardCredits, creditStatusForYear, reverseEntry, type CompetencyShare } from "~/credits/ledger.server";
import { waitlistPosition } from "~/enrolment/seats.server";
import { translator } from "~/i18n/i18n";
import { localeCookie } from "~/i18n/i18n.server";
import { shanghaiDayNumber } from "~/learning/dates";
import { loadLearnerHome } from "~/learning/learner-home.server";
import { notificationText } from "~/learning/notification-text";
import { notify } from "~/notifications/notifications.server";
import { loader as calendarLoader } from "~/routes/my.calendar[.ics]";
import { loader as homeLoader } from "~/routes/my._index";
import { action as notificationsAction, loader as notificationsLoader } from "~/routes/my.notifications";
import { loader as transcriptLoader } from "~/routes/my.transcript";
import { db, type DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const args = (request: Request) => ({ request, params: {}, context: {} });
const DAY = 24 * 3600_000;
const now = new Date();
/** `days` Shanghai calendar days from today, at `hour` o'clock Shanghai time (UTC+8). */
const at = (days: number, hour = 9) => new Date((shanghaiDayNumber(now) + days) * DAY + (hour - 8) * 3600_000);
const year = shanghaiYear(now);

let seq = 0;
const next = () => ++seq;

const world = {} as {
  streetId: number;
  competencyIds: number[];
  oldCompetencyId: number;
  levelId: number;
  trainerId: number;
  hrId: number;
  a: { personId: number; userId: number; cookie: string };
  b: { personId: number; userId: number; cookie: string };
  hrCookie: string;
  trainerCookie: string;
  offerings: Record<string, { id: number; code: string; titleZh: string; titleEn: string }>;
  sessions: Record<string, { id: number; startsAt: Date; endsAt: Date; venue: string }>;
  entries: Record<string, number>;
  waitlistEnrolmentId: number;
};

async function makeClass(
  name: string,
  options: { mode?: string; venue?: string; creditYear?: number; trainerId?: number | null; startsInDays?: number } = {},
) {
  const n = next();
  const titleZh = `${name}课程${n}`;
  const titleEn = `${name} course ${n}`;
  const course = await db.course.create({
    data: {
      code: `ML${n}`,
      titleZh,
      titleEn,
      levelId: world.levelId,
      mode: options.mode ?? "in_person",
      durationMinutes: 360,
      creditPoints: 600,
      competencies: { create: [{ competencyId: world.competencyIds[0], weight: 100 }] },
    },
  });
  const starts = at(options.startsInDays ?? 2);
  const offering = await db.offering.create({
    data: {
      code: `MLO${n}`,
      courseId: course.id,
      hostUnitId: world.streetId,
      trainerId: options.trainerId === undefined ? world.trainerId : options.trainerId,
      venue: options.venue ?? "华阳路街道社区党群服务中心",
      capacity: 2,
      enrolOpensAt: at(-30),
      enrolClosesAt: at(-1),
      withdrawDeadline: at(-1),
      startsAt: starts,
      endsAt: new Date(starts.getTime() + 30 * DAY),
      creditYear: options.creditYear ?? year,
    },
  });
  world.offerings[name] = { id: offering.id, code: offering.code, titleZh, titleEn };
  return offering;
}

async function makeSession(name: string, offeringId: number, startsInDays: number, venue = "") {
  const startsAt = at(startsInDays);
  const endsAt = new Date(startsAt.getTime() + 3 * 3600_000);
  const session = await db.classSession.create({
    data: { offeringId, title: `${name}讲`, startsAt, endsAt, venue, checkinSecret: `secret${next()}` },
  });
  world.sessions[name] = { id: session.id, startsAt, endsAt, venue };
  return session;
}

async function award(
  name: string,
  personId: number,
  amount: number,
  category: "in_person" | "online" | "camp" | "external" | "adjustment",
  shares: CompetencyShare[],
  extra: { creditYear?: number; offeringId?: number; campId?: number; adjustmentId?: number; sourceType?: string; note?: string } = {},
) {
  const { entry } = await awardCredits(db, {
    personId,
    creditYear: extra.creditYear ?? year,
    amount,
    category,
    sourceType: extra.sourceType ?? "completion",
    sourceKey: `test:${name}:${next()}`,
    competencies: shares,
    offeringId: extra.offeringId ?? null,
    campId: extra.campId ?? null,
    adjustmentId: extra.adjustmentId ?? null,
    note: extra.note ?? "",
  });
  world.entries[name] = entry.id;
  return entry;
}

beforeAll(async () => {
  world.offerings = {};
  world.sessions = {};
  world.entries = {};
  const tree = await makeUnitTree();
  world.streetId = tree.streets[0].id;

  // The active framework has ten competencies; an older, retired one still carries points.
  const framework = await db.competencyFramework.create({
    data: { version: 7, nameZh: "十大素养", nameEn: "Ten competencies", status: "active" },
  });
  world.competencyIds = [];
  for (let i = 0; i < 10; i++) {
    const c = await db.competency.create({
      data: { frameworkId: framework.id, code: `k${i}`, nameZh: `素养${i}`, nameEn: `Competency ${i}`, sortOrder: 10 - i },
    });
    world.competencyIds.push(c.id);
  }
  const retired = await db.competencyFramework.create({ data: { version: 6, nameZh: "旧框架", nameEn: "Old", status: "retired" } });
  world.oldCompetencyId = (
    await db.competency.create({ data: { frameworkId: retired.id, code: "old", nameZh: "旧素养", nameEn: "Old competency" } })
  ).id;
  world.levelId = (await db.level.create({ data: { rank: 1, code: "new", nameZh: "新任", nameEn: "Newly appointed" } })).id;

  const trainer = await makeUser("trainer", { username: "ml-trainer" });
  await db.user.update({ where: { id: trainer.id }, data: { displayName: "王培训" } });
  world.trainerId = trainer.id;
  const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
  world.hrId = hr.id;
  world.hrCookie = await sessionCookieFor(hr.id);
  world.trainerCookie = await sessionCookieFor(trainer.id);

  const personA = await makePerson(tree.streets[0].areaId, { name: "张秀英" });
  const userA = await makeUser("learner", { personId: personA.id });
  const personB = await makePerson(tree.streets[1].areaId, { name: "李建国" });
  const userB = await makeUser("learner", { personId: personB.id });
  world.a = { personId: personA.id, userId: userA.id, cookie: await sessionCookieFor(userA.id) };
  world.b = { personId: personB.id, userId: userB.id, cookie: await sessionCookieFor(userB.id) };

  // Classes: A is enrolled in two (one shared with B), waits for a third, awaits approval
  // for a fourth; B alone is enrolled in a fifth.
  const shared = await makeClass("共享");
  await makeSession("共享-过去", shared.id, -3);
  await makeSession("共享-近", shared.id, 2, "三楼会议室");
  await makeSession("共享-远", shared.id, 20);
  const mine = await makeClass("独享", { trainerId: null, venue: "天山路街道党群服务中心" });
  await makeSession("独享-近", mine.id, 5);
  const cancelled = await makeClass("取消");
  await db.offering.update({ where: { id: cancelled.id }, data: { status: "cancelled" } });
  await makeSession("取消-近", cancelled.id, 3);
  const waiting = await makeClass("候补");
  await makeSession("候补-近", waiting.id, 4);
  const approval = await makeClass("审批");
  const onlyB = await makeClass("乙专属");
  await makeSession("乙专属-近", onlyB.id, 1);

  const other1 = await makePerson(tree.streets[0].areaId);
  const other2 = await makePerson(tree.streets[0].areaId);
  await db.enrolment.createMany({
    data: [
      { offeringId: shared.id, personId: personA.id, status: "enrolled" },
      { offeringId: shared.id, personId: personB.id, status: "enrolled" },
      { offeringId: mine.id, personId: personA.id, status: "enrolled" },
      { offeringId: cancelled.id, personId: personA.id, status: "enrolled" },
      { offeringId: waiting.id, personId: other1.id, status: "waitlisted", waitlistNo: 1 },
      { offeringId: waiting.id, personId: other2.id, status: "withdrawn", waitlistNo: null },
      { offeringId: waiting.id, personId: personB.id, status: "waitlisted", waitlistNo: 2 },
      { offeringId: waiting.id, personId: personA.id, status: "waitlisted", waitlistNo: 4 },
      { offeringId: approval.id, personId: personA.id, status: "pending_approval" },
      { offeringId: onlyB.id, personId: personB.id, status: "enrolled" },
    ],
  });
  world.waitlistEnrolmentId = (await db.enrolment.findFirstOrThrow({ where: { offeringId: waiting.id, personId: personA.id } })).id;

  // A's ledger this year: every category, a reversal, and a share on the retired framework.
  const [k0, k1, k2, k3, k4, k5] = world.competencyIds;
  const done = await makeClass("结业", { startsInDays: -60 });
  await db.enrolment.create({ data: { offeringId: done.id, personId: personA.id, status: "completed", completedAt: at(-20) } });
  await award("completion", personA.id, 600, "in_person", [{ competencyId: k0, amount: 300 }, { competencyId: k1, amount: 300 }], { offeringId: done.id });
  const failed = await makeClass("未结业", { startsInDays: -50 });
  await db.enrolment.create({ data: { offeringId: failed.id, personId: personA.id, status: "not_completed" } });
  const doubled = await award("doubled", personA.id, 300, "in_person", [{ competencyId: k1, amount: 300 }], { offeringId: done.id, sourceType: "import", note: "重复记录" });
  world.entries.reversal = (await reverseEntry(db, { entryId: doubled.id, reason: "重复导入，冲销" })).entry.id;
  const online = await makeClass("线上", { mode: "online", startsInDays: -40 });
  await award("online", personA.id, 200, "online", [{ competencyId: k2, amount: 200 }], { offeringId: online.id });
  const campClass = await makeClass("训练营", { mode: "camp", startsInDays: -30 });
  const camp = await db.camp.create({ data: { offeringId: campClass.id, passMark: 6000 } });
  await award("camp", personA.id, 1000, "camp", [{ competencyId: k3, amount: 600 }, { competencyId: k4, amount: 400 }], { campId: camp.id, offeringId: campClass.id, sourceType: "camp_release" });
  await award("external", personA.id, 250, "external", [{ competencyId: k0, amount: 150 }, { competencyId: world.oldCompetencyId, amount: 100 }], { sourceType: "import", note: "区委党校专题轮训" });
  const adjustment = await db.creditAdjustment.create({
    data: { personId: personA.id, creditYear: year, amount: 150, category: "adjustment", reason: "市级论坛交流发言", status: "approved", requestedById: world.hrId },
  });
  await award("adjustment", personA.id, 150, "adjustment", [{ competencyId: k5, amount: 150 }], { adjustmentId: adjustment.id, sourceType: "adjustment", note: "市级论坛交流发言" });
  // Last year: 70 points, 14 above the requirement; 10 (the cap) carry over.
  await award("lastYear", personA.id, 7000, "in_person", [{ competencyId: k0, amount: 7000 }], { creditYear: year - 1, note: "上年" });

  // B's ledger: must never show up on A's pages.
  await award("b", personB.id, 999, "in_person", [{ competencyId: k9(), amount: 999 }], { offeringId: onlyB.id, note: "乙的记录" });

  // Notifications: three for A (one this version cannot render, one already read), one for B.
  const courseParams = (o: { code: string; titleZh: string; titleEn: string }) => ({
    offeringCode: o.code,
    courseZh: o.titleZh,
    courseEn: o.titleEn,
  });
  await notify(db, { userId: userA.id, kind: "enrolment.confirmed", key: "enrolment.notify.confirmed", params: courseParams(world.offerings["共享"]) });
  await notify(db, { userId: userA.id, kind: "enrolment.waitlisted", key: "enrolment.notify.waitlisted", params: { ...courseParams(world.offerings["候补"]), position: 2 } });
  await db.notification.create({ data: { userId: userA.id, kind: "future", payload: JSON.stringify({ key: "future.unknown.key", params: {} }) } });
  const read = await notify(db, { userId: userA.id, kind: "enrolment.confirmed", key: "enrolment.notify.confirmed", params: courseParams(world.offerings["独享"]) });
  await db.notification.update({ where: { id: read!.id }, data: { readAt: at(-1), createdAt: at(-2) } });
  await notify(db, { userId: userB.id, kind: "enrolment.confirmed", key: "enrolment.notify.confirmed", params: courseParams(world.offerings["乙专属"]) });
});

const k9 = () => world.competencyIds[9];

/** A client that counts the statements it sends. */
function countingClient() {
  const counter = { queries: 0 };
  const client = db.$extends({
    query: {
      $allOperations({ args, query }) {
        counter.queries += 1;
        return query(args);
      },
    },
  }) as unknown as DbTx;
  return { client, counter };
}

async function homeOf(cookie: string) {
  const response = await settle(() => homeLoader(args(getRequest("/my", cookie))));
  expect(response.status).toBe(200);
  return { response, body: await response.json() };
}

describe("GET /my", () => {
  it("shows this year's points by category and competency, the same figures as creditStatusForYear", async () => {
    const { response, body } = await homeOf(world.a.cookie);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { status } = body.home;
    // By hand: in person 600 + 300 − 300 (reversed) = 600; online 200; camp 1000; external
    // 250; adjustment 150. Earned 2200; last year's surplus 1400 carries over capped at 1000.
    expect(status.byCategory).toEqual({ in_person: 600, online: 200, camp: 1000, external: 250, adjustment: 150 });
    expect(status.earned).toBe(2200);
    expect(status.rolloverIn).toBe(1000);
    expect(status.counted).toBe(3200);
    expect(status.required).toBe(5600);
    expect(status.inPerson).toBe(1600);
    expect(status.met).toBe(false);
    expect(status.reasons).toEqual([{ key: "credits.status.pointsShort", params: { counted: 3200, required: 5600, short: 2400 } }]);
    expect(status.notes).toEqual([{ key: "credits.status.rolloverApplied", params: { rolloverIn: 1000 } }]);
    const direct = await creditStatusForYear(db, world.a.personId, year);
    expect(status).toEqual(JSON.parse(JSON.stringify(direct)));

    // Ten axes in the framework's order (sortOrder runs backwards here), then the retired one.
    const [k0, k1, k2, k3, k4, k5] = world.competencyIds;
    const profile = body.home.competencies as { id: number; points: number; inActiveFramework: boolean }[];
    expect(profile.filter((c) => c.inActiveFramework).map((c) => c.id)).toEqual([...world.competencyIds].reverse());
    const points = Object.fromEntries(profile.map((c) => [c.id, c.points]));
    expect(points).toMatchObject({ [k0]: 450, [k1]: 300, [k2]: 200, [k3]: 600, [k4]: 400, [k5]: 150, [k9()]: 0 });
    expect(profile.at(-1)).toMatchObject({ id: world.oldCompetencyId, points: 100, inActiveFramework: false });
    expect(profile.reduce((sum, c) => sum + c.points, 0)).toBe(status.earned);
    expect(status.competenciesCovered).toBe(7);
  });

  it("lists the sessions of enrolled classes, next 14 days first, with their venue", async () => {
    const { body } = await homeOf(world.a.cookie);
    const soon = body.home.soon as { id: number; venue: string; inDays: number; offeringCode: string }[];
    const later = body.home.later as { id: number }[];
    expect(soon.map((s) => s.id)).toEqual([world.sessions["共享-近"].id, world.sessions["独享-近"].id]);
    expect(soon[0]).toMatchObject({ venue: "三楼会议室", inDays: 2, offeringCode: world.offerings["共享"].code });
    // A session without its own venue takes the class's.
    expect(soon[1].venue).toBe("天山路街道党群服务中心");
    expect(later.map((s) => s.id)).toEqual([world.sessions["共享-远"].id]);
  });

  it("gives the waiting-list position (1 + people still waiting with a lower number) and pending approvals", async () => {
    const { body } = await homeOf(world.a.cookie);
    const applications = body.home.applications as { id: number; status: string; waitlistPosition: number | null; offering: { code: string } }[];
    const waiting = applications.find((a) => a.status === "waitlisted")!;
    // Numbers 1 and 2 wait ahead (the withdrawn person doesn't count): position 3.
    expect(waiting.waitlistPosition).toBe(3);
    expect(waiting.waitlistPosition).toBe(await waitlistPosition(db, world.waitlistEnrolmentId));
    expect(applications.find((a) => a.status === "pending_approval")?.offering.code).toBe(world.offerings["审批"].code);
    expect(applications).toHaveLength(2);
  });

  it("lists this year's completions with the net points each class earned", async () => {
    const { body } = await homeOf(world.a.cookie);
    const completions = body.home.completions as { status: string; points: number; offering: { code: string } }[];
    expect(completions.map((c) => [c.offering.code, c.status, c.points])).toEqual([
      [world.offerings["结业"].code, "completed", 600],
      [world.offerings["未结业"].code, "not_completed", 0],
    ]);
    expect(body.home.unreadNotifications).toBe(3);
  });

  it("never shows another person's data", async () => {
    const { body } = await homeOf(world.a.cookie);
    const text = JSON.stringify(body);
    expect(text).not.toContain("李建国");
    expect(text).not.toContain(world.offerings["乙专属"].code);
    expect(text).not.toContain(world.offerings["乙专属"].titleZh);
    expect(text).not.toContain("999");
    const { body: bodyB } = await homeOf(world.b.cookie);
    expect(bodyB.home.person.name).toBe("李建国");
    expect(bodyB.home.status.earned).toBe(999);
    expect(bodyB.home.unreadNotifications).toBe(1);
    expect(JSON.stringify(bodyB)).not.toContain(world.offerings["审批"].code);
    expect(bodyB.home.applications[0].waitlistPosition).toBe(2);
  });

  it("runs a fixed number of queries however much the learner has", async () => {
    const a = countingClient();
    await loadLearnerHome({ personId: world.a.personId, userId: world.a.userId, year }, a.client);
    const b = countingClient();
    await loadLearnerHome({ personId: world.b.personId, userId: world.b.userId, year }, b.client);
    expect(a.counter.queries).toBe(b.counter.queries);
    // person, 6 for the status (two policies, two years × two sums), applications, sessions,
    // completions, points per class, unread count, competencies, waiting-list positions.
    expect(a.counter.queries).toBeLessThanOrEqual(14);
  });

  it("is for learners: HR and trainers get 403, strangers are sent to sign in", async () => {
    for (const cookie of [world.hrCookie, world.trainerCookie]) {
      expect((await settle(() => homeLoader(args(getRequest("/my", cookie))))).status).toBe(403);
      expect((await settle(() => transcriptLoader(args(getRequest("/my/transcript", cookie))))).status).toBe(403);
      expect((await settle(() => calendarLoader(args(getRequest("/my/calendar.ics", cookie))))).status).toBe(403);
    }
    const anonymous = await settle(() => homeLoader(args(getRequest("/my"))));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });
});

describe("GET /my/transcript", () => {
  type Entry = { id: number; amount: number; category: string; reversesEntryId: number | null; reversedById: number | null; source: Record<string, unknown>; competencies: { id: number; amount: number }[] };
  type Year = { year: number; status: { earned: number; counted: number; required: number; met: boolean; reasons: unknown[] }; entries: Entry[] };

  async function transcriptOf(cookie: string) {
    const response = await settle(() => transcriptLoader(args(getRequest("/my/transcript", cookie))));
    expect(response.status).toBe(200);
    return (await response.json()).transcript as { person: { name: string }; years: Year[] };
  }

  it("gives every year newest first with creditStatusForYear's figures, and only the learner's own entries", async () => {
    const transcript = await transcriptOf(world.a.cookie);
    expect(transcript.person.name).toBe("张秀英");
    expect(transcript.years.map((y) => y.year)).toEqual([year, year - 1]);
    for (const y of transcript.years) {
      expect(y.status).toEqual(JSON.parse(JSON.stringify(await creditStatusForYear(db, world.a.personId, y.year))));
      expect(y.entries.reduce((sum, e) => sum + e.amount, 0)).toBe(y.status.earned);
    }
    // Last year: enough points, but one competency of the three required.
    expect(transcript.years[1].status).toMatchObject({
      earned: 7000,
      counted: 7000,
      met: false,
      reasons: [{ key: "credits.status.competenciesShort", params: { covered: 1, minCompetencies: 3, short: 2 } }],
    });
    const ids = transcript.years.flatMap((y) => y.entries.map((e) => e.id)).sort((p, q) => p - q);
    const own = await db.ledgerEntry.findMany({ where: { personId: world.a.personId }, select: { id: true }, orderBy: { id: "asc" } });
    expect(ids).toEqual(own.map((e) => e.id));
    expect(ids).not.toContain(world.entries.b);
  });

  it("shows a reversal as such, linked both ways, and names each entry's source", async () => {
    const [current] = (await transcriptOf(world.a.cookie)).years;
    const byId = new Map(current.entries.map((e) => [e.id, e]));
    const original = byId.get(world.entries.doubled)!;
    const reversal = byId.get(world.entries.reversal)!;
    expect(reversal).toMatchObject({ amount: -300, reversesEntryId: original.id, category: "in_person" });
    expect(original.reversedById).toBe(reversal.id);
    // The reversal names what it cancels: the same class.
    expect(reversal.source).toEqual(original.source);
    expect(reversal.competencies).toEqual([{ id: world.competencyIds[1], nameZh: "素养1", nameEn: "Competency 1", amount: -300 }]);

    const done = world.offerings["结业"];
    expect(byId.get(world.entries.completion)!.source).toEqual({
      kind: "completion",
      offering: { code: done.code, titleZh: done.titleZh, titleEn: done.titleEn },
    });
    expect(byId.get(world.entries.camp)!.source).toMatchObject({ kind: "camp", offering: { code: world.offerings["训练营"].code } });
    expect(byId.get(world.entries.adjustment)!.source).toEqual({ kind: "adjustment", reason: "市级论坛交流发言" });
    expect(byId.get(world.entries.external)!.source).toEqual({ kind: "import", note: "区委党校专题轮训" });
  });

  it("shows B only B's year", async () => {
    const transcript = await transcriptOf(world.b.cookie);
    expect(transcript.years.map((y) => [y.year, y.entries.map((e) => e.id)])).toEqual([[year, [world.entries.b]]]);
  });
});

describe("/my/notifications", () => {
  type Item = { id: number; readAt: string | null; message: { key: string; params: Record<string, string | number> } | null };
  async function listOf(cookie: string) {
    const response = await settle(() => notificationsLoader(args(getRequest("/my/notifications", cookie))));
    expect(response.status).toBe(200);
    return (await response.json()) as { notifications: Item[]; unread: number; total: number };
  }

  it("lists the reader's own notifications newest first, rendered in their language, unknown keys as a generic text", async () => {
    const list = await listOf(world.a.cookie);
    expect(list.total).toBe(4);
    expect(list.unread).toBe(3);
    const own = await db.notification.findMany({ where: { userId: world.a.userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(list.notifications.map((n) => n.id)).toEqual(own.map((n) => n.id));
    expect(list.notifications.at(-1)!.readAt).not.toBeNull();

    const zh = translator("zh-CN");
    const en = translator("en");
    const texts = list.notifications.map((n) => notificationText(zh, "zh-CN", n.message as never));
    expect(texts[0]).toBe("您有一条新通知。");
    expect(texts[1]).toBe(`「${world.offerings["候补"].titleZh}」（${world.offerings["候补"].code}）名额已满，你在候补第 2 位`);
    expect(notificationText(en, "en", list.notifications[2].message as never)).toContain(world.offerings["共享"].titleEn);
    for (const text of texts) expect(text).not.toMatch(/enrolment\.|future\.|\{/);
    expect(JSON.stringify(list)).not.toContain(world.offerings["乙专属"].code);
  });

  it("marks one read, refuses to touch someone else's, then marks all read", async () => {
    const { notifications } = await listOf(world.a.cookie);
    const target = notifications.find((n) => n.readAt === null)!;
    const one = await settle(() =>
      notificationsAction(args(formRequest("/my/notifications", { intent: "read", notificationId: String(target.id) }, world.a.cookie))),
    );
    expect(one.status).toBe(302);
    expect(one.headers.get("Location")).toBe("/my/notifications");
    expect((await listOf(world.a.cookie)).unread).toBe(2);

    const bsNotification = await db.notification.findFirstOrThrow({ where: { userId: world.b.userId } });
    await settle(() =>
      notificationsAction(args(formRequest("/my/notifications", { intent: "read", notificationId: String(bsNotification.id) }, world.a.cookie))),
    );
    expect((await db.notification.findUniqueOrThrow({ where: { id: bsNotification.id } })).readAt).toBeNull();

    const bad = await settle(() => notificationsAction(args(formRequest("/my/notifications", { intent: "delete-all" }, world.a.cookie))));
    expect(bad.status).toBe(400);

    const all = await settle(() => notificationsAction(args(formRequest("/my/notifications", { intent: "read-all" }, world.a.cookie))));
    expect(all.status).toBe(302);
    expect((await listOf(world.a.cookie)).unread).toBe(0);
    expect((await listOf(world.b.cookie)).unread).toBe(1);
    expect((await homeOf(world.a.cookie)).body.home.unreadNotifications).toBe(0);
  });

  it("sends strangers to sign in", async () => {
    const response = await settle(() => notificationsLoader(args(getRequest("/my/notifications"))));
    expect(response.status).toBe(302);
  });
});

/** Unfolds an iCalendar text into VEVENTs of property → value (parameters dropped). */
function parseIcs(text: string) {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      events.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      current[line.slice(0, colon).split(";")[0]] = line.slice(colon + 1);
    }
  }
  return { lines, events };
}

const icsUtc = (date: Date) => date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

describe("GET /my/calendar.ics", () => {
  it("is an iCalendar attachment with every upcoming session of the learner's enrolled classes", async () => {
    const response = await settle(() => calendarLoader(args(getRequest("/my/calendar.ics", world.a.cookie))));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="lane-academy.ics"');
    const text = await response.text();
    const { lines, events } = parseIcs(text);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    // Past, cancelled, waiting-list and other people's sessions are left out.
    const expected = ["共享-近", "独享-近", "共享-远"].map((name) => world.sessions[name]);
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.UID)).toEqual(expected.map((s) => `session-${s.id}@lane-academy`));
    expect(events.map((e) => e.DTSTART)).toEqual(expected.map((s) => icsUtc(s.startsAt)));
    expect(events.map((e) => e.DTEND)).toEqual(expected.map((s) => icsUtc(s.endsAt)));
    const shared = world.offerings["共享"];
    expect(events[0].SUMMARY).toBe(`${shared.titleZh} · 共享-近讲`);
    expect(events[0].LOCATION).toBe("三楼会议室");
    expect(events[0].DESCRIPTION).toBe(`班次：${shared.code}\\n培训师：王培训`);
    expect(events[1].LOCATION).toBe("天山路街道党群服务中心");
    expect(events[1].DESCRIPTION).toBe(`班次：${world.offerings["独享"].code}`);
    expect(text).not.toContain(world.offerings["乙专属"].code);
  });

  it("speaks the reader's language and keeps UIDs stable between downloads", async () => {
    const cookie = `${world.a.cookie}; ${(await localeCookie.serialize("en")).split(";")[0]}`;
    const first = parseIcs(await (await settle(() => calendarLoader(args(getRequest("/my/calendar.ics", cookie))))).text());
    const second = parseIcs(await (await settle(() => calendarLoader(args(getRequest("/my/calendar.ics", cookie))))).text());
    expect(first.events[0].SUMMARY).toBe(`${world.offerings["共享"].titleEn} · 共享-近讲`);
    expect(first.events[0].DESCRIPTION).toContain("Trainer: 王培训");
    expect(second.events.map((e) => e.UID)).toEqual(first.events.map((e) => e.UID));
  });
});
