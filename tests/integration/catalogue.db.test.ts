// The course catalogue and the course page, called as Remix calls them, on both dialects.
// Every expected count below is counted by hand from the fixture built in beforeAll.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { searchCatalogue } from "~/catalogue/catalogue.server";
import { loadCoursePage, loadLearnerView } from "~/catalogue/course-page.server";
import type { CatalogueFilters } from "~/catalogue/filters.server";
import { loader as catalogueLoader } from "~/routes/catalogue._index";
import { action as courseAction, loader as courseLoader } from "~/routes/catalogue.$courseCode";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const dialect = process.env.TEST_DIALECT === "postgresql" ? "postgresql" : "sqlite";
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

// Classes are dated next year (Shanghai calendar), so "upcoming" holds whenever the suite runs.
const Y = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) + 1;
const at = (iso: string) => new Date(iso.replace("Y", String(Y)));
const DAY = 24 * 60 * 60 * 1000;

let seq = 0;

async function makeLevel(rank: number, nameZh: string, nameEn: string) {
  return db.level.create({ data: { rank, code: `L${rank}-${++seq}`, nameZh, nameEn } });
}

async function makeFramework(version: number, status: string, competencies: [string, string][]) {
  const framework = await db.competencyFramework.create({
    data: { version, nameZh: `框架 ${version}`, nameEn: `Framework ${version}`, status },
  });
  const rows = [];
  for (const [index, [nameZh, nameEn]] of competencies.entries()) {
    rows.push(
      await db.competency.create({
        data: { frameworkId: framework.id, code: `C${version}-${index + 1}`, nameZh, nameEn, sortOrder: index },
      }),
    );
  }
  return rows;
}

async function makeCourse(input: {
  code: string;
  titleZh: string;
  titleEn: string;
  levelId: number;
  mode: string;
  durationMinutes?: number;
  creditPoints?: number;
  weights?: [number, number][];
  requires?: number[];
  archived?: boolean;
  summaryZh?: string;
  summaryEn?: string;
}) {
  const course = await db.course.create({
    data: {
      code: input.code,
      titleZh: input.titleZh,
      titleEn: input.titleEn,
      summaryZh: input.summaryZh ?? "",
      summaryEn: input.summaryEn ?? "",
      levelId: input.levelId,
      mode: input.mode,
      durationMinutes: input.durationMinutes ?? 180,
      creditPoints: input.creditPoints ?? 300,
      archivedAt: input.archived ? new Date() : null,
    },
  });
  for (const [competencyId, weight] of input.weights ?? []) {
    await db.courseCompetency.create({ data: { courseId: course.id, competencyId, weight } });
  }
  for (const requiredCourseId of input.requires ?? []) {
    await db.coursePrerequisite.create({ data: { courseId: course.id, requiredCourseId } });
  }
  return course;
}

async function makeOffering(input: {
  courseId: number;
  hostUnitId: number;
  startsAt: Date;
  endsAt?: Date;
  capacity?: number;
  seatsTaken?: number;
  venue?: string;
  status?: string;
  needsApproval?: boolean;
  trainerId?: number;
  sessions?: { title: string; startsAt: Date; endsAt: Date; venue?: string }[];
}) {
  const startsAt = input.startsAt;
  const offering = await db.offering.create({
    data: {
      code: `OF-${++seq}`,
      courseId: input.courseId,
      hostUnitId: input.hostUnitId,
      trainerId: input.trainerId,
      venue: input.venue ?? "",
      capacity: input.capacity ?? 30,
      seatsTaken: input.seatsTaken ?? 0,
      enrolOpensAt: new Date(Date.now() - 5 * DAY),
      enrolClosesAt: new Date(startsAt.getTime() - 2 * DAY),
      withdrawDeadline: new Date(startsAt.getTime() - 3 * DAY),
      startsAt,
      endsAt: input.endsAt ?? new Date(startsAt.getTime() + 8 * 60 * 60 * 1000),
      needsApproval: input.needsApproval ?? false,
      status: input.status ?? "published",
      creditYear: Y,
    },
  });
  for (const s of input.sessions ?? []) {
    await db.classSession.create({
      data: { offeringId: offering.id, title: s.title, startsAt: s.startsAt, endsAt: s.endsAt, venue: s.venue ?? "", checkinSecret: `secret-${++seq}` },
    });
  }
  return offering;
}

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let learnerCookie: string;
let learnerPersonId: number;
const ids = {} as {
  c1: number; c2: number; c3: number; draftCompetency: number;
  l1: number; l2: number; l3: number;
  a1: number; a2: number; b1: number; trainer: number;
};

beforeAll(async () => {
  tree = await makeUnitTree();
  const [street0, street1] = tree.streets;
  const person = await makePerson(street0.areaId, { name: "张秀英" });
  const learner = await makeUser("learner", { personId: person.id });
  learnerCookie = await sessionCookieFor(learner.id);
  learnerPersonId = person.id;
  const trainer = await makeUser("trainer");
  await db.user.update({ where: { id: trainer.id }, data: { displayName: "王老师" } });
  ids.trainer = trainer.id;

  const [c1, c2, c3] = await makeFramework(1, "active", [
    ["政治引领", "Political leadership"],
    ["群众工作", "Working with residents"],
    ["矛盾调解", "Mediating disputes"],
  ]);
  const [draft] = await makeFramework(2, "draft", [["草案素养", "Draft competency"]]);
  Object.assign(ids, { c1: c1.id, c2: c2.id, c3: c3.id, draftCompetency: draft.id });
  const l1 = await makeLevel(1, "新任", "Newly appointed");
  const l2 = await makeLevel(2, "骨干", "Core");
  const l3 = await makeLevel(3, "示范", "Model");
  Object.assign(ids, { l1: l1.id, l2: l2.id, l3: l3.id });

  const a = await makeCourse({
    code: "POL-101", titleZh: "政治引领基础", titleEn: "Political leadership basics", levelId: l1.id, mode: "in_person",
    durationMinutes: 180, creditPoints: 300, weights: [[c1.id, 60], [c2.id, 40]],
  });
  const b = await makeCourse({
    code: "MED-201", titleZh: "矛盾调解实务", titleEn: "Mediation in practice", levelId: l2.id, mode: "in_person",
    durationMinutes: 360, creditPoints: 650, weights: [[c3.id, 100]], requires: [a.id],
    summaryZh: "以真实案例练习调解。", summaryEn: "Mediation practised on real cases.",
  });
  const c = await makeCourse({
    code: "DIG-101", titleZh: "数字治理入门", titleEn: "Digital tools online", levelId: l1.id, mode: "online",
    durationMinutes: 90, creditPoints: 150, weights: [[c2.id, 100]],
  });
  const d = await makeCourse({
    code: "CAMP-301", titleZh: "社区工作者动力营", titleEn: "Community boot camp", levelId: l3.id, mode: "camp",
    durationMinutes: 2400, creditPoints: 4000, weights: [[c1.id, 50], [c3.id, 50]],
  });
  const e = await makeCourse({
    code: "OLD-001", titleZh: "已停开的调解课", titleEn: "Retired mediation course", levelId: l1.id, mode: "in_person",
    weights: [[c1.id, 100]], archived: true,
  });
  await makeCourse({
    code: "FUT-102", titleZh: "社区服务", titleEn: "Community services", levelId: l2.id, mode: "online", weights: [[c2.id, 100]],
  });

  // A1: 1 April 01:00 in Shanghai (still 31 March in UTC), hosted by street 0 itself.
  ids.a1 = (await makeOffering({
    courseId: a.id, hostUnitId: street0.id, venue: "甲街道党群服务中心", startsAt: at("Y-03-31T17:00:00Z"), capacity: 30, seatsTaken: 10,
  })).id;
  // A2: full, hosted by an area of street 1.
  ids.a2 = (await makeOffering({
    courseId: a.id, hostUnitId: street1.areaId, venue: "乙街道一居活动室", startsAt: at("Y-05-10T01:00:00Z"), capacity: 20, seatsTaken: 20,
  })).id;
  await makeOffering({ courseId: a.id, hostUnitId: street0.id, startsAt: at("Y-04-10T01:00:00Z"), status: "draft" });
  await makeOffering({
    courseId: a.id, hostUnitId: street0.id, startsAt: new Date(Date.now() - 10 * DAY), endsAt: new Date(Date.now() - DAY),
  });
  // B1: 31 March 23:00 in Shanghai: a March class. Full, needs approval, two sessions.
  ids.b1 = (await makeOffering({
    courseId: b.id, hostUnitId: street1.id, venue: "乙街道社区学校", startsAt: at("Y-03-31T15:00:00Z"), endsAt: at("Y-04-01T09:00:00Z"),
    capacity: 25, seatsTaken: 25, needsApproval: true, trainerId: trainer.id,
    sessions: [
      { title: "案例研讨", startsAt: at("Y-04-01T01:00:00Z"), endsAt: at("Y-04-01T04:00:00Z"), venue: "二楼教室" },
      { title: "开班", startsAt: at("Y-03-31T15:00:00Z"), endsAt: at("Y-03-31T16:00:00Z") },
    ],
  })).id;
  await makeOffering({ courseId: c.id, hostUnitId: tree.district.id, venue: "线上", startsAt: at("Y-04-15T02:00:00Z"), capacity: 200, seatsTaken: 3 });
  await makeOffering({ courseId: d.id, hostUnitId: street0.areaId, venue: "营地", startsAt: at("Y-06-01T01:00:00Z"), status: "cancelled" });
  await makeOffering({ courseId: e.id, hostUnitId: street0.id, startsAt: at("Y-04-20T01:00:00Z") });
});

async function codes(filters: CatalogueFilters) {
  const result = await searchCatalogue(filters);
  return result.courses.map((c) => c.code);
}

async function catalogue(query: string, cookie = learnerCookie) {
  return settle(() => catalogueLoader(args(getRequest(`/catalogue${query}`, cookie))));
}

describe("GET /catalogue", () => {
  it("needs a signed-in user", async () => {
    const response = await catalogue("", "");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Fcatalogue");
  });

  it("lists scheduled courses first, then the rest, each by level then code; archived courses and past, draft or cancelled classes are hidden", async () => {
    const response = await catalogue("");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.total).toBe(5);
    expect(body.courses.map((c: { code: string }) => c.code)).toEqual(["DIG-101", "POL-101", "MED-201", "FUT-102", "CAMP-301"]);
    const pol = body.courses[1];
    expect(pol).toMatchObject({
      titleZh: "政治引领基础",
      titleEn: "Political leadership basics",
      mode: "in_person",
      durationMinutes: 180,
      creditPoints: 300,
      level: { nameZh: "新任", nameEn: "Newly appointed" },
      competencies: [
        { nameZh: "政治引领", weight: 60 },
        { nameZh: "群众工作", weight: 40 },
      ],
      moreClasses: 0,
    });
    // The draft and the finished class are not offered.
    expect(pol.classes).toHaveLength(2);
    expect(pol.classes[0]).toMatchObject({ id: ids.a1, seatsLeft: 20, street: { nameZh: "甲街道" } });
    expect(pol.classes[1]).toMatchObject({ id: ids.a2, seatsLeft: 0, street: { nameZh: "乙街道" } });
    // The cancelled camp and the never-scheduled course are listed with no classes.
    expect(body.courses[3].classes).toEqual([]);
    expect(body.courses[4].classes).toEqual([]);
  });

  it("offers the active framework's competencies, the levels and the streets as filters", async () => {
    const body = await (await catalogue("")).json();
    expect(body.choices.competencies.map((c: { id: number }) => c.id)).toEqual([ids.c1, ids.c2, ids.c3]);
    expect(body.choices.levels.map((l: { nameZh: string }) => l.nameZh)).toEqual(["新任", "骨干", "示范"]);
    expect(body.choices.streets.map((s: { id: number }) => s.id)).toEqual(tree.streets.map((s) => s.id));
    expect(body.months).toHaveLength(12);
  });

  it("searches titles in both languages and codes, ignoring case", async () => {
    expect(await codes({ q: "调解" })).toEqual(["MED-201"]);
    expect(await codes({ q: "mediation" })).toEqual(["MED-201"]);
    expect(await codes({ q: "pol-1" })).toEqual(["POL-101"]);
    expect(await codes({ q: "101" })).toEqual(["DIG-101", "POL-101"]);
    expect(await codes({ q: "nothing like this" })).toEqual([]);
  });

  it("filters by competency, level and mode", async () => {
    expect(await codes({ competencyId: ids.c1 })).toEqual(["POL-101", "CAMP-301"]);
    expect(await codes({ competencyId: ids.c2 })).toEqual(["DIG-101", "POL-101", "FUT-102"]);
    expect(await codes({ competencyId: ids.c3 })).toEqual(["MED-201", "CAMP-301"]);
    expect(await codes({ levelId: ids.l1 })).toEqual(["DIG-101", "POL-101"]);
    expect(await codes({ levelId: ids.l2 })).toEqual(["MED-201", "FUT-102"]);
    expect(await codes({ mode: "online" })).toEqual(["DIG-101", "FUT-102"]);
    expect(await codes({ mode: "camp" })).toEqual(["CAMP-301"]);
    expect(await codes({ mode: "in_person", competencyId: ids.c3 })).toEqual(["MED-201"]);
  });

  it("filters by street (the street's own classes and its areas'), showing only the matching classes", async () => {
    const street0 = await searchCatalogue({ streetId: tree.streets[0].id });
    expect(street0.courses.map((c) => c.code)).toEqual(["POL-101"]);
    expect(street0.courses[0].classes.map((c) => c.id)).toEqual([ids.a1]);
    const street1 = await searchCatalogue({ streetId: tree.streets[1].id });
    expect(street1.courses.map((c) => c.code)).toEqual(["POL-101", "MED-201"]);
    expect(street1.courses[0].classes.map((c) => c.id)).toEqual([ids.a2]);
  });

  it("filters by venue text, also matching the host unit's name", async () => {
    expect(await codes({ venue: "社区学校" })).toEqual(["MED-201"]);
    expect(await codes({ venue: "乙街道" })).toEqual(["POL-101", "MED-201"]);
    expect(await codes({ venue: "测试区" })).toEqual(["DIG-101"]);
    expect(await codes({ venue: "test DISTRICT" })).toEqual(["DIG-101"]);
  });

  it("filters by the month of the class start in Shanghai time", async () => {
    // A1 starts 31 March 17:00 UTC = 1 April in Shanghai; B1 starts 31 March 23:00 in Shanghai.
    expect(await codes({ month: `${Y}-04` })).toEqual(["DIG-101", "POL-101"]);
    expect(await codes({ month: `${Y}-03` })).toEqual(["MED-201"]);
    expect(await codes({ month: `${Y}-05` })).toEqual(["POL-101"]);
    expect(await codes({ month: `${Y}-06` })).toEqual([]);
    const april = await searchCatalogue({ month: `${Y}-04` });
    expect(april.courses[1].classes.map((c) => c.id)).toEqual([ids.a1]);
  });

  it("the 2026-03-31T17:00Z class is an April class, whatever year the suite runs in", async () => {
    const course = await db.course.findUniqueOrThrow({ where: { code: "FUT-102" }, select: { id: true } });
    await makeOffering({ courseId: course.id, hostUnitId: tree.streets[0].id, startsAt: new Date("2026-03-31T17:00:00Z") });
    const before = new Date("2026-03-01T00:00:00Z");
    expect((await searchCatalogue({ month: "2026-04" }, before)).courses.map((c) => c.code)).toEqual(["FUT-102"]);
    expect((await searchCatalogue({ month: "2026-03" }, before)).courses.map((c) => c.code)).toEqual([]);
  });

  it("keeps only classes with seats left when asked", async () => {
    const result = await searchCatalogue({ seatsLeft: true });
    expect(result.courses.map((c) => c.code)).toEqual(["DIG-101", "POL-101"]);
    expect(result.courses[1].classes.map((c) => c.id)).toEqual([ids.a1]);
    expect(await codes({ seatsLeft: true, streetId: tree.streets[1].id })).toEqual([]);
    expect(await codes({ seatsLeft: true, levelId: ids.l1, month: `${Y}-04` })).toEqual(["DIG-101", "POL-101"]);
  });

  it("reads the filters from the URL and ignores malformed ones", async () => {
    const body = await (await catalogue(`?level=${ids.l1}&mode=in_person&seats=1&month=${Y}-04&competency=abc`)).json();
    expect(body.courses.map((c: { code: string }) => c.code)).toEqual(["POL-101"]);
    expect(body.params).toMatchObject({ level: String(ids.l1), mode: "in_person", seats: "1", month: `${Y}-04`, competency: "" });
  });
});

describe("GET /catalogue/:courseCode", () => {
  it("shows the course, its competencies, prerequisites and upcoming classes", async () => {
    const response = await settle(() => courseLoader(args(getRequest("/catalogue/MED-201", learnerCookie), { courseCode: "MED-201" })));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain("checkinSecret");
    expect(text).not.toContain("secret-");
    const { course } = JSON.parse(text);
    expect(course).toMatchObject({
      code: "MED-201",
      titleZh: "矛盾调解实务",
      summaryEn: "Mediation practised on real cases.",
      mode: "in_person",
      durationMinutes: 360,
      creditPoints: 650,
      level: { nameZh: "骨干" },
      competencies: [{ nameZh: "矛盾调解", weight: 100 }],
      levelBelow: { nameZh: "新任", nameEn: "Newly appointed" },
      prerequisiteCourses: [{ code: "POL-101", titleZh: "政治引领基础", archived: false }],
    });
    expect(course.classes).toHaveLength(1);
    const b1 = course.classes[0];
    expect(b1).toMatchObject({
      id: ids.b1,
      venue: "乙街道社区学校",
      capacity: 25,
      seatsLeft: 0,
      waiting: 0,
      needsApproval: true,
      trainerName: "王老师",
      street: { nameZh: "乙街道" },
      enrolment: "open",
    });
    expect(b1.sessions.map((s: { title: string }) => s.title)).toEqual(["开班", "案例研讨"]);
    expect(b1.sessions[1].venue).toBe("二楼教室");
    expect(new Date(b1.withdrawDeadline).toISOString()).toBe(new Date(at("Y-03-31T15:00:00Z").getTime() - 3 * DAY).toISOString());
  });

  it("a first-level course has no level prerequisite", async () => {
    const page = await loadCoursePage("POL-101");
    expect(page?.levelBelow).toBeNull();
    expect(page?.prerequisiteCourses).toEqual([]);
    expect(page?.classes.map((c) => c.id)).toEqual([ids.a1, ids.a2]);
  });

  it("answers 404 for unknown and archived courses", async () => {
    for (const code of ["NOPE-999", "OLD-001"]) {
      const response = await settle(() => courseLoader(args(getRequest(`/catalogue/${code}`, learnerCookie), { courseCode: code })));
      expect(response.status, code).toBe(404);
    }
  });
});

async function coursePage(code: string, cookie = learnerCookie) {
  const response = await settle(() => courseLoader(args(getRequest(`/catalogue/${code}`, cookie), { courseCode: code })));
  expect(response.status).toBe(200);
  return response.json();
}

async function post(code: string, fields: Record<string, string>, cookie = learnerCookie) {
  const response = await settle(() => courseAction(args(formRequest(`/catalogue/${code}`, fields, cookie), { courseCode: code })));
  return { status: response.status, body: await response.json().catch(() => null) };
}

describe("enrolling from the course page", () => {
  let otherCookie: string;
  let otherPersonId: number;
  let polId: number;

  beforeAll(async () => {
    const other = await makePerson(tree.streets[1].areaId, { name: "李建国" });
    otherPersonId = other.id;
    otherCookie = await sessionCookieFor((await makeUser("learner", { personId: other.id })).id);
    polId = (await db.course.findUniqueOrThrow({ where: { code: "POL-101" }, select: { id: true } })).id;
  });

  it("shows a learner what they lack before they try, and the action refuses with the same list", async () => {
    const page = await coursePage("MED-201");
    expect(page.learner).toMatchObject({ eligible: false, states: {} });
    expect(page.learner.missing).toEqual([
      { key: "enrolment.missing.level", params: expect.objectContaining({ levelId: ids.l1, levelZh: "新任", levelEn: "Newly appointed" }) },
      { key: "enrolment.missing.course", params: expect.objectContaining({ courseCode: "POL-101", courseZh: "政治引领基础" }) },
    ]);
    const { status, body } = await post("MED-201", { intent: "enrol", offeringId: String(ids.b1) });
    expect(status).toBe(400);
    expect(body).toMatchObject({ offeringId: ids.b1, error: { key: "enrolment.errors.notEligible" } });
    expect(body.error.missing.map((m: { key: string }) => m.key)).toEqual(["enrolment.missing.level", "enrolment.missing.course"]);
    expect(await db.enrolment.count({ where: { offeringId: ids.b1 } })).toBe(0);
  });

  it("enrols into a free seat, answers a repeat without a second seat, withdraws and enrols again", async () => {
    expect((await coursePage("POL-101")).learner).toMatchObject({ eligible: true, missing: [], states: {} });
    const first = await post("POL-101", { intent: "enrol", offeringId: String(ids.a1) });
    expect(first).toMatchObject({ status: 200, body: { offeringId: ids.a1, notice: { key: "class.notice.enrolled" } } });
    const again = await post("POL-101", { intent: "enrol", offeringId: String(ids.a1) });
    expect(again.body).toMatchObject({ notice: { key: "class.notice.already" } });
    let page = await coursePage("POL-101");
    expect(page.learner.states[ids.a1]).toEqual({ status: "enrolled", waitlistPosition: null });
    expect(page.course.classes[0]).toMatchObject({ id: ids.a1, seatsLeft: 19 });

    const out = await post("POL-101", { intent: "withdraw", offeringId: String(ids.a1) });
    expect(out.body).toMatchObject({ notice: { key: "class.notice.withdrawn" } });
    page = await coursePage("POL-101");
    expect(page.learner.states[ids.a1]).toEqual({ status: "withdrawn", waitlistPosition: null });
    expect(page.course.classes[0]).toMatchObject({ id: ids.a1, seatsLeft: 20 });
    expect((await post("POL-101", { intent: "withdraw", offeringId: String(ids.a1) })).body).toMatchObject({
      notice: { key: "class.notice.alreadyWithdrawn" },
    });
    expect((await post("POL-101", { intent: "enrol", offeringId: String(ids.a1) })).body).toMatchObject({
      notice: { key: "class.notice.enrolled" },
    });
  });

  it("puts learners on a full class's waiting list in arrival order, and moves them up when one leaves", async () => {
    const first = await post("POL-101", { intent: "enrol", offeringId: String(ids.a2) });
    expect(first.body).toMatchObject({ notice: { key: "class.notice.waitlisted", params: { position: 1 } } });
    const second = await post("POL-101", { intent: "enrol", offeringId: String(ids.a2) }, otherCookie);
    expect(second.body).toMatchObject({ notice: { key: "class.notice.waitlisted", params: { position: 2 } } });
    expect((await coursePage("POL-101", otherCookie)).learner.states[ids.a2]).toEqual({ status: "waitlisted", waitlistPosition: 2 });
    await post("POL-101", { intent: "withdraw", offeringId: String(ids.a2) });
    expect((await coursePage("POL-101", otherCookie)).learner.states[ids.a2]).toEqual({ status: "waitlisted", waitlistPosition: 1 });
  });

  it("files a request for a class that needs the street's approval", async () => {
    const offering = await makeOffering({ courseId: polId, hostUnitId: tree.streets[0].id, startsAt: at("Y-07-01T01:00:00Z"), needsApproval: true });
    const { body } = await post("POL-101", { intent: "enrol", offeringId: String(offering.id) });
    expect(body).toMatchObject({ notice: { key: "class.notice.pending_approval" } });
    expect((await coursePage("POL-101")).learner.states[offering.id]).toEqual({ status: "pending_approval", waitlistPosition: null });
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).seatsTaken).toBe(0);
  });

  it("refuses outside the enrolment window and after the withdrawal deadline, with the dates", async () => {
    const closed = await makeOffering({ courseId: polId, hostUnitId: tree.streets[0].id, startsAt: at("Y-08-01T01:00:00Z") });
    const closesAt = new Date(Date.now() - DAY);
    await db.offering.update({ where: { id: closed.id }, data: { enrolClosesAt: closesAt } });
    const page = await coursePage("POL-101");
    expect(page.course.classes.find((c: { id: number }) => c.id === closed.id)).toMatchObject({ enrolment: "closed" });
    const refused = await post("POL-101", { intent: "enrol", offeringId: String(closed.id) });
    expect(refused).toMatchObject({ status: 400, body: { offeringId: closed.id, error: { key: "enrolment.errors.windowClosed", params: { closesAt: closesAt.toISOString() } } } });

    // Enrolled in A1 (above); its withdrawal deadline passes.
    const deadline = new Date(Date.now() - 60_000);
    await db.offering.update({ where: { id: ids.a1 }, data: { withdrawDeadline: deadline } });
    expect((await coursePage("POL-101")).course.classes[0]).toMatchObject({ id: ids.a1, withdrawOpen: false });
    const late = await post("POL-101", { intent: "withdraw", offeringId: String(ids.a1) });
    expect(late).toMatchObject({ status: 400, body: { error: { key: "enrolment.errors.withdrawDeadlinePassed", params: { deadline: deadline.toISOString() } } } });
    expect((await coursePage("POL-101")).learner.states[ids.a1].status).toBe("enrolled");
  });

  it("opens the next level once the level below is completed, and the full approval class takes a request", async () => {
    await db.enrolment.updateMany({ where: { personId: learnerPersonId, offeringId: ids.a1 }, data: { status: "completed", completedAt: new Date() } });
    const page = await coursePage("MED-201");
    expect(page.learner).toMatchObject({ eligible: true, missing: [] });
    const { body } = await post("MED-201", { intent: "enrol", offeringId: String(ids.b1) });
    expect(body).toMatchObject({ notice: { key: "class.notice.pending_approval" } });
  });

  it("validates the form, acts only on this course's classes, and only for learners", async () => {
    expect(await post("POL-101", { intent: "delete", offeringId: String(ids.a1) })).toMatchObject({
      status: 400,
      body: { offeringId: ids.a1, error: { key: "errors.badRequest" } },
    });
    expect(await post("POL-101", { intent: "enrol", offeringId: "abc" })).toMatchObject({ status: 400, body: { offeringId: null } });
    expect(await post("POL-101", { intent: "enrol", offeringId: String(ids.b1) })).toMatchObject({
      status: 400,
      body: { error: { key: "enrolment.errors.offeringNotFound" } },
    });
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const hrCookie = await sessionCookieFor(hr.id);
    expect((await post("POL-101", { intent: "enrol", offeringId: String(ids.a1) }, hrCookie)).status).toBe(403);
    const hrView = await coursePage("POL-101", hrCookie);
    expect(hrView.learner).toBeNull();
    const noPerson = await sessionCookieFor((await makeUser("learner")).id);
    expect((await post("POL-101", { intent: "enrol", offeringId: String(ids.a1) }, noPerson)).status).toBe(403);
    expect(await db.enrolment.count({ where: { personId: otherPersonId } })).toBe(1);
  });
});

/** How many SQL statements the work sends to the database. */
async function countStatements(work: () => Promise<unknown>) {
  const spy =
    dialect === "postgresql"
      ? vi.spyOn((await import("pg")).default.Client.prototype, "query")
      : vi.spyOn((await import("better-sqlite3")).default.prototype, "prepare");
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe("pagination and cost", () => {
  beforeAll(async () => {
    const level = await makeLevel(4, "领军", "Leading");
    for (let i = 1; i <= 12; i++) {
      const course = await makeCourse({
        code: `PAGE-${String(i).padStart(2, "0")}`, titleZh: `分页课程 ${i}`, titleEn: `Paged course ${i}`, levelId: level.id, mode: "online",
        weights: [[ids.c1, 50], [ids.c2, 30], [ids.c3, 20]],
      });
      for (let k = 0; k < 4; k++) {
        await makeOffering({ courseId: course.id, hostUnitId: tree.streets[k % 2].areaId, startsAt: at(`Y-0${k + 4}-0${(i % 9) + 1}T02:00:00Z`) });
      }
    }
  });

  it("pages through the results, keeping the filters", async () => {
    const first = await (await catalogue("?q=PAGE-")).json();
    expect(first).toMatchObject({ total: 12, page: 1, pages: 2 });
    expect(first.courses).toHaveLength(10);
    expect(first.courses[0].code).toBe("PAGE-01");
    // Three classes on the card, and a note of the fourth.
    expect(first.courses[0].classes).toHaveLength(3);
    expect(first.courses[0].moreClasses).toBe(1);
    expect(first.courses[0].competencies).toHaveLength(3);
    const second = await (await catalogue("?q=PAGE-&page=2")).json();
    expect(second.courses.map((c: { code: string }) => c.code)).toEqual(["PAGE-11", "PAGE-12"]);
    const beyond = await (await catalogue("?q=PAGE-&page=9")).json();
    expect(beyond).toMatchObject({ total: 12, page: 9, pages: 2, courses: [] });
  });

  it("pages across the scheduled courses into the unscheduled ones", async () => {
    // 15 scheduled (DIG, POL, MED, PAGE-01..12), then FUT and CAMP with nothing scheduled.
    const first = await (await catalogue("")).json();
    expect(first).toMatchObject({ total: 17, pages: 2 });
    expect(first.courses.map((c: { code: string }) => c.code)).toEqual([
      "DIG-101", "POL-101", "MED-201", "PAGE-01", "PAGE-02", "PAGE-03", "PAGE-04", "PAGE-05", "PAGE-06", "PAGE-07",
    ]);
    const second = await (await catalogue("?page=2")).json();
    expect(second.courses.map((c: { code: string }) => c.code)).toEqual([
      "PAGE-08", "PAGE-09", "PAGE-10", "PAGE-11", "PAGE-12", "FUT-102", "CAMP-301",
    ]);
  });

  it("costs the same number of statements for one course as for a full page", async () => {
    const one = await countStatements(() => searchCatalogue({ q: "MED-201" }));
    const full = await countStatements(() => searchCatalogue({ q: "PAGE-" }));
    expect(full).toBe(one);
    expect(full).toBeLessThanOrEqual(10);
    // A page across both groups reads one more slice of courses.
    const straddling = await countStatements(() => searchCatalogue({ page: 2 }));
    expect(straddling).toBeLessThanOrEqual(2 * full);
    const coursePage = await countStatements(() => loadCoursePage("PAGE-01"));
    expect(coursePage).toBeLessThanOrEqual(12);
    const course = (await loadCoursePage("PAGE-01"))!;
    const learnerView = await countStatements(() => loadLearnerView(learnerPersonId, course));
    expect(learnerView).toBeLessThanOrEqual(12);
    console.log(
      `[${dialect}] statements: catalogue page ${full} (straddling ${straddling}), course page ${coursePage} + learner ${learnerView}`,
    );
  });
});
