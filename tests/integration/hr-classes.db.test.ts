// HR's classes and waivers through their routes, as Remix calls them: permissions and scope,
// the class form's rules, capacity changes against the waiting list, cancellation, sessions,
// HR's roster actions, level waivers and their effect on eligibility, and Shanghai time.
import { beforeAll, describe, expect, it } from "vitest";
import { toShanghaiLocal } from "~/classes/shanghai-time";
import { enrol } from "~/enrolment/enrolment.server";
import { checkEligibility } from "~/enrolment/eligibility.server";
import { action as editAction, loader as editLoader } from "~/routes/hr.classes.$offeringId";
import { loader as listLoader } from "~/routes/hr.classes._index";
import { action as newAction, loader as newLoader } from "~/routes/hr.classes.new";
import { action as waiverAction, loader as waiverLoader } from "~/routes/hr.waivers";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import {
  DURING_WINDOW,
  makeCatalogue,
  makeCourse,
  makeLearner,
  makeOffering,
  makeSessions,
  notificationsOf,
  type Catalogue,
} from "../support/enrolment-fixtures";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Catalogue;
let course: { id: number; code: string };
let cookies: { hrA: string; hrB: string; district: string; admin: string; learner: string; trainer: string };
let hrAId: number;

const args = (request: Request, offeringId?: number) => ({
  request,
  params: offeringId === undefined ? {} : { offeringId: String(offeringId) },
  context: {},
});

type Answer = {
  intent?: string;
  notice?: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
  fieldText?: Record<string, string>;
};

async function post(path: string, fields: Record<string, string>, cookie: string, offeringId?: number) {
  const run = path.startsWith("/hr/waivers") ? waiverAction : path === "/hr/classes/new" ? newAction : editAction;
  const response = await settle(() => run(args(formRequest(path, fields, cookie), offeringId)));
  const body = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Answer) : ({} as Answer);
  return { status: response.status, body, location: response.headers.get("Location") };
}

const edit = (offeringId: number, fields: Record<string, string>, cookie = cookies.hrA) =>
  post(`/hr/classes/${offeringId}`, fields, cookie, offeringId);

/** A valid new-class form (Shanghai wall-clock times). */
function newClassFields(overrides: Record<string, string> = {}) {
  return {
    courseId: String(course.id),
    hostUnitId: String(tree.streets[0].id),
    venue: "甲街道党群服务中心",
    capacity: "10",
    enrolOpensAt: "2026-02-01T09:00",
    enrolClosesAt: "2026-03-01T17:00",
    withdrawDeadline: "2026-03-05T17:00",
    startsAt: "2026-03-10T09:00",
    endsAt: "2026-03-12T17:00",
    status: "published",
    creditYear: "2026",
    ...overrides,
  };
}

/** The "save" form of an existing class, as the page fills it, with changes. */
async function saveFields(offeringId: number, overrides: Record<string, string> = {}) {
  const o = await db.offering.findUniqueOrThrow({ where: { id: offeringId } });
  return {
    intent: "save",
    code: o.code,
    courseId: String(o.courseId),
    hostUnitId: String(o.hostUnitId),
    trainerId: o.trainerId ? String(o.trainerId) : "",
    venue: o.venue,
    capacity: String(o.capacity),
    enrolOpensAt: toShanghaiLocal(o.enrolOpensAt),
    enrolClosesAt: toShanghaiLocal(o.enrolClosesAt),
    withdrawDeadline: toShanghaiLocal(o.withdrawDeadline),
    startsAt: toShanghaiLocal(o.startsAt),
    endsAt: toShanghaiLocal(o.endsAt),
    ...(o.needsApproval ? { needsApproval: "on" } : {}),
    status: o.status,
    creditYear: String(o.creditYear),
    ...overrides,
  };
}

const auditsOf = (entityType: string, entityId: number) =>
  db.auditEvent.findMany({ where: { entityType, entityId: String(entityId) }, orderBy: { id: "asc" } });

/** People enrolled into `offeringId` in arrival order (the learner's own route, in the window). */
async function fill(offeringId: number, count: number, areaId = tree.streets[0].areaId) {
  const people = [];
  for (let i = 0; i < count; i++) {
    const learner = await makeLearner(areaId);
    const result = await enrol({ offeringId, personId: learner.person.id, actorId: learner.user!.id, now: new Date(DURING_WINDOW.getTime() + i * 1000) });
    people.push({ ...learner, enrolmentId: result.enrolmentId, state: result.state });
  }
  return people;
}

const statusOf = async (enrolmentId: number) => (await db.enrolment.findUniqueOrThrow({ where: { id: enrolmentId } })).status;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  course = await makeCourse(catalogue, { rank: 1 });
  const hrA = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
  hrAId = hrA.id;
  const hrB = await makeUser("hr", { scopeUnitId: tree.streets[1].id });
  const district = await makeUser("hr", { scopeUnitId: tree.district.id });
  const admin = await makeUser("admin");
  const trainer = await makeUser("trainer");
  const learner = await makeLearner(tree.streets[0].areaId);
  cookies = {
    hrA: await sessionCookieFor(hrA.id),
    hrB: await sessionCookieFor(hrB.id),
    district: await sessionCookieFor(district.id),
    admin: await sessionCookieFor(admin.id),
    learner: await sessionCookieFor(learner.user!.id),
    trainer: await sessionCookieFor(trainer.id),
  };
});

describe("who may run classes", () => {
  it("is HR and administrators; a street's officer sees only their street's classes, others are 404", async () => {
    const mine = await makeOffering(course.id, tree.streets[0].areaId);
    const theirs = await makeOffering(course.id, tree.streets[1].id);

    for (const cookie of [cookies.learner, cookies.trainer]) {
      expect((await settle(() => listLoader(args(getRequest("/hr/classes", cookie))))).status).toBe(403);
      expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${mine.id}`, cookie), mine.id)))).status).toBe(403);
      expect((await settle(() => newLoader(args(getRequest("/hr/classes/new", cookie)))))).toHaveProperty("status", 403);
      expect((await edit(mine.id, await saveFields(mine.id, { capacity: "11" }), cookie)).status).toBe(403);
      expect((await settle(() => waiverLoader(args(getRequest("/hr/waivers", cookie))))).status).toBe(403);
    }

    const listed = async (cookie: string) => {
      const response = await settle(() => listLoader(args(getRequest("/hr/classes?year=2026", cookie))));
      expect(response.status).toBe(200);
      return ((await response.json()) as { classes: { id: number }[] }).classes.map((c) => c.id);
    };
    expect(await listed(cookies.hrA)).toContain(mine.id);
    expect(await listed(cookies.hrA)).not.toContain(theirs.id);
    expect(await listed(cookies.hrB)).toEqual(expect.arrayContaining([theirs.id]));
    expect(await listed(cookies.hrB)).not.toContain(mine.id);
    expect(await listed(cookies.district)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(await listed(cookies.admin)).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    // Another street's class: not found, on reading and on every write, and nothing changes.
    expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${mine.id}`, cookies.hrB), mine.id)))).status).toBe(404);
    expect((await edit(mine.id, await saveFields(mine.id, { capacity: "11" }), cookies.hrB)).status).toBe(404);
    expect((await edit(mine.id, { intent: "add-session", date: "2026-03-10", startTime: "09:00", endTime: "10:00" }, cookies.hrB)).status).toBe(404);
    expect((await db.offering.findUniqueOrThrow({ where: { id: mine.id } })).capacity).toBe(10);
    expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${mine.id}`, cookies.hrA), mine.id)))).status).toBe(200);
    expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${mine.id}`, cookies.admin), mine.id)))).status).toBe(200);
    expect((await settle(() => editLoader(args(getRequest("/hr/classes/abc", cookies.admin), undefined)))).status).toBe(404);

    // Nor may they move a class of theirs into another street, or create one there.
    const moved = await edit(theirs.id, await saveFields(theirs.id, { hostUnitId: String(tree.streets[0].id) }), cookies.hrB);
    expect(moved.status).toBe(400);
    expect(moved.body.fieldText?.hostUnitId).toBeTruthy();
    const created = await post("/hr/classes/new", newClassFields(), cookies.hrB);
    expect(created.status).toBe(400);
    expect(created.body.fieldText?.hostUnitId).toBeTruthy();
  });

  it("offers only units inside the scope on the new-class form", async () => {
    const response = await settle(() => newLoader(args(getRequest("/hr/classes/new", cookies.hrA))));
    const { choices } = (await response.json()) as { choices: { units: { id: number }[] } };
    expect(choices.units.map((u) => u.id).sort()).toEqual([tree.streets[0].id, tree.streets[0].areaId].sort());
  });
});

describe("creating a class", () => {
  it("refuses each broken rule with a translated field error, and nothing is created", async () => {
    const before = await db.offering.count();
    const cases: [Record<string, string>, string, string][] = [
      [{ enrolClosesAt: "2026-02-01T09:00" }, "enrolClosesAt", "classes.errors.closesBeforeOpens"],
      [{ enrolClosesAt: "2026-03-10T09:30" }, "enrolClosesAt", "classes.errors.closesAfterStart"],
      [{ withdrawDeadline: "2026-03-10T09:30" }, "withdrawDeadline", "classes.errors.deadlineAfterStart"],
      [{ endsAt: "2026-03-10T08:00" }, "endsAt", "classes.errors.endsBeforeStart"],
      [{ capacity: "0" }, "capacity", "classes.errors.capacityRange"],
      [{ capacity: "501" }, "capacity", "classes.errors.capacityRange"],
      [{ startsAt: "2026-02-30T09:00" }, "startsAt", "classes.errors.dateTime"],
      [{ startsAt: "" }, "startsAt", "errors.required"],
      [{ code: "with space" }, "code", "classes.errors.code"],
    ];
    for (const [overrides, field, key] of cases) {
      const answer = await post("/hr/classes/new", newClassFields(overrides), cookies.hrA);
      expect(answer.status, JSON.stringify(overrides)).toBe(400);
      expect(answer.body.fieldErrors?.[field]?.split("|")[0], JSON.stringify(overrides)).toBe(key);
      expect(answer.body.formError).toBeTruthy();
    }
    expect(await db.offering.count()).toBe(before);
  });

  it("generates the code from course, year and sequence, refuses a taken one, and audits", async () => {
    const first = await post("/hr/classes/new", newClassFields({ needsApproval: "on" }), cookies.hrA);
    expect(first.status).toBe(302);
    const firstId = Number(/\/hr\/classes\/(\d+)\?created=1$/.exec(first.location ?? "")?.[1]);
    const second = await post("/hr/classes/new", newClassFields(), cookies.hrA);
    const secondId = Number(/\/hr\/classes\/(\d+)/.exec(second.location ?? "")?.[1]);
    const [a, b] = await Promise.all([firstId, secondId].map((id) => db.offering.findUniqueOrThrow({ where: { id } })));
    expect(a.code).toBe(`${course.code}-2026-1`);
    expect(b.code).toBe(`${course.code}-2026-2`);
    expect(a.needsApproval).toBe(true);
    expect(a.hostUnitId).toBe(tree.streets[0].id);

    const taken = await post("/hr/classes/new", newClassFields({ code: a.code }), cookies.hrA);
    expect(taken.status).toBe(400);
    expect(taken.body.fieldText?.code).toContain(a.code);
    const own = await post("/hr/classes/new", newClassFields({ code: "JD-SPRING-1" }), cookies.hrA);
    expect(own.status).toBe(302);

    const [created] = await auditsOf("Offering", a.id);
    expect(created.action).toBe("offering.created");
    expect(created.actorId).toBe(hrAId);
    expect(JSON.parse(created.after!)).toMatchObject({ code: a.code, capacity: 10, startsAt: "2026-03-10T01:00:00.000Z", status: "published" });
  });

  it("stores Shanghai wall-clock times as instants and shows them back the same (round trip)", async () => {
    const answer = await post(
      "/hr/classes/new",
      newClassFields({
        enrolOpensAt: "2025-12-01T00:00",
        enrolClosesAt: "2025-12-31T23:59",
        withdrawDeadline: "2026-01-01T07:00",
        startsAt: "2026-01-01T07:30",
        endsAt: "2026-01-01T17:00",
      }),
      cookies.hrA,
    );
    expect(answer.status).toBe(302);
    const id = Number(/\/hr\/classes\/(\d+)/.exec(answer.location ?? "")?.[1]);
    const row = await db.offering.findUniqueOrThrow({ where: { id } });
    expect(row.startsAt.toISOString()).toBe("2025-12-31T23:30:00.000Z");
    expect(row.enrolOpensAt.toISOString()).toBe("2025-11-30T16:00:00.000Z");
    expect(row.enrolClosesAt.toISOString()).toBe("2025-12-31T15:59:00.000Z");

    const page = await settle(() => editLoader(args(getRequest(`/hr/classes/${id}`, cookies.hrA), id)));
    const { offering } = (await page.json()) as { offering: Record<string, string> };
    expect(toShanghaiLocal(offering.startsAt)).toBe("2026-01-01T07:30");
    expect(toShanghaiLocal(offering.enrolClosesAt)).toBe("2025-12-31T23:59");
    // Saving the page unchanged changes nothing: what it shows is exactly what is stored.
    const again = await edit(id, await saveFields(id));
    expect(again.body.notice).toBeTruthy();
    expect((await auditsOf("Offering", id)).map((e) => e.action)).toEqual(["offering.created"]);
  });
});

describe("capacity", () => {
  it("raising it seats the waiting list in arrival order, notifies them and audits", async () => {
    const offering = await makeOffering(course.id, tree.streets[0].id, { capacity: 2 });
    const people = await fill(offering.id, 5);
    expect(people.map((p) => p.state)).toEqual(["enrolled", "enrolled", "waitlisted", "waitlisted", "waitlisted"]);

    const answer = await edit(offering.id, await saveFields(offering.id, { capacity: "4" }));
    expect(answer.status).toBe(200);
    expect(answer.body.notice).toMatch(/2/);
    expect(await Promise.all(people.map((p) => statusOf(p.enrolmentId)))).toEqual(["enrolled", "enrolled", "enrolled", "enrolled", "waitlisted"]);
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).seatsTaken).toBe(4);
    for (const p of people.slice(2, 4)) {
      expect((await notificationsOf(p.user!.id)).map((n) => n.key)).toContain("enrolment.notify.promoted");
    }
    expect((await notificationsOf(people[4].user!.id)).map((n) => n.key)).not.toContain("enrolment.notify.promoted");

    const [audit] = await auditsOf("Offering", offering.id);
    expect(audit.action).toBe("offering.updated");
    expect(JSON.parse(audit.before!)).toEqual({ capacity: 2 });
    expect(JSON.parse(audit.after!)).toEqual({ capacity: 4, promoted: [people[2].enrolmentId, people[3].enrolmentId] });

    // The last one waiting is now first in line.
    const page = await settle(() => editLoader(args(getRequest(`/hr/classes/${offering.id}`, cookies.hrA), offering.id)));
    const { roster } = (await page.json()) as { roster: { waiting: { id: number; position: number }[]; enrolled: unknown[] } };
    expect(roster.waiting).toEqual([expect.objectContaining({ id: people[4].enrolmentId, position: 1 })]);
    expect(roster.enrolled).toHaveLength(4);
  });

  it("lowering it below the seats taken is refused with the figure, and nothing changes", async () => {
    const offering = await makeOffering(course.id, tree.streets[0].id, { capacity: 4 });
    await fill(offering.id, 4);
    const answer = await edit(offering.id, await saveFields(offering.id, { capacity: "3", venue: "另一个地点" }));
    expect(answer.status).toBe(400);
    expect(answer.body.fieldText?.capacity).toContain("4");
    const row = await db.offering.findUniqueOrThrow({ where: { id: offering.id } });
    expect([row.capacity, row.venue]).toEqual([4, ""]);
    expect(await auditsOf("Offering", offering.id)).toHaveLength(0);
    // Down to exactly the seats taken is fine.
    expect((await edit(offering.id, await saveFields(offering.id, { capacity: "4", venue: "另一个地点" }))).status).toBe(200);
  });
});

describe("cancelling a class", () => {
  it("needs a reason when people are in it, tells them, keeps every record, and freezes the class", async () => {
    const offering = await makeOffering(course.id, tree.streets[0].id, { capacity: 2 });
    const people = await fill(offering.id, 3);
    const enrolmentsBefore = await db.enrolment.findMany({ where: { offeringId: offering.id }, orderBy: { id: "asc" } });

    const noReason = await edit(offering.id, await saveFields(offering.id, { status: "cancelled" }));
    expect(noReason.status).toBe(400);
    expect(noReason.body.fieldText?.reason).toContain("3");
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe("published");

    const answer = await edit(offering.id, await saveFields(offering.id, { status: "cancelled", reason: "讲师因病无法授课" }));
    expect(answer.status).toBe(200);
    expect(answer.body.notice).toMatch(/3/);
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe("cancelled");
    for (const p of people) {
      const cancelled = (await notificationsOf(p.user!.id)).find((n) => n.key === "classes.notify.cancelled");
      expect(cancelled?.params).toMatchObject({ offeringCode: offering.code, reason: "讲师因病无法授课" });
    }
    expect(await db.enrolment.findMany({ where: { offeringId: offering.id }, orderBy: { id: "asc" } })).toEqual(enrolmentsBefore);

    const [audit] = await auditsOf("Offering", offering.id);
    expect(audit.action).toBe("offering.cancelled");
    expect(audit.reason).toBe("讲师因病无法授课");
    expect(JSON.parse(audit.before!)).toEqual({ status: "published" });
    expect(JSON.parse(audit.after!)).toMatchObject({ status: "cancelled", activeEnrolments: 3 });

    const frozen = await edit(offering.id, await saveFields(offering.id, { status: "published", capacity: "5" }));
    expect(frozen.status).toBe(400);
    expect(frozen.body.formError).toBeTruthy();
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe("cancelled");
    // Its people can still be withdrawn (or moved) by HR.
    const out = await edit(offering.id, { intent: "withdraw", enrolmentId: String(people[0].enrolmentId), reason: "班级取消" });
    expect(out.status).toBe(200);
  });

  it("an empty class can be cancelled without a reason; an enrolled one can't go back to draft", async () => {
    const empty = await makeOffering(course.id, tree.streets[0].id);
    expect((await edit(empty.id, await saveFields(empty.id, { status: "cancelled" }))).status).toBe(200);
    const full = await makeOffering(course.id, tree.streets[0].id);
    await fill(full.id, 1);
    const draft = await edit(full.id, await saveFields(full.id, { status: "draft" }));
    expect(draft.status).toBe(400);
    expect(draft.body.fieldText?.status).toBeTruthy();
  });
});

describe("sessions", () => {
  it("are added inside the class's dates in Shanghai time, edited, and removed unless attended", async () => {
    const offering = await makeOffering(course.id, tree.streets[0].id); // 2026-03-10 09:00 – 03-12 18:00 Shanghai
    const added = await edit(offering.id, { intent: "add-session", date: "2026-03-10", startTime: "09:00", endTime: "12:00", title: "开班第一课" });
    expect(added.status).toBe(200);
    const [session] = await db.classSession.findMany({ where: { offeringId: offering.id } });
    expect([session.startsAt.toISOString(), session.endsAt.toISOString(), session.title]).toEqual([
      "2026-03-10T01:00:00.000Z",
      "2026-03-10T04:00:00.000Z",
      "开班第一课",
    ]);
    expect(session.checkinSecret).toMatch(/^[0-9a-f]{32}$/);

    const outside = await edit(offering.id, { intent: "add-session", date: "2026-03-13", startTime: "09:00", endTime: "12:00" });
    expect(outside.status).toBe(400);
    expect(outside.body.fieldText?.date).toBeTruthy();
    const early = await edit(offering.id, { intent: "add-session", date: "2026-03-10", startTime: "08:00", endTime: "10:00" });
    expect(early.status).toBe(400);
    const backwards = await edit(offering.id, { intent: "add-session", date: "2026-03-11", startTime: "12:00", endTime: "09:00" });
    expect(backwards.body.fieldErrors?.endTime).toBe("classes.errors.sessionEndBeforeStart");
    expect(await db.classSession.count({ where: { offeringId: offering.id } })).toBe(1);

    const moved = await edit(offering.id, { intent: "edit-session", sessionId: String(session.id), date: "2026-03-11", startTime: "13:30", endTime: "16:30", title: "第二天" });
    expect(moved.status).toBe(200);
    expect((await db.classSession.findUniqueOrThrow({ where: { id: session.id } })).startsAt.toISOString()).toBe("2026-03-11T05:30:00.000Z");

    // The class can't shrink around its sessions.
    const shrink = await edit(offering.id, await saveFields(offering.id, { endsAt: "2026-03-11T12:00" }));
    expect(shrink.status).toBe(400);
    expect(shrink.body.fieldText?.endsAt).toBeTruthy();

    const [other] = await makeSessions(offering.id, [120]);
    const learner = await makeLearner(tree.streets[0].areaId);
    await db.attendance.create({ data: { sessionId: other.id, personId: learner.person.id, status: "present" } });
    const refused = await edit(offering.id, { intent: "remove-session", sessionId: String(other.id) });
    expect(refused.status).toBe(400);
    expect(refused.body.formError).toBeTruthy();
    expect(await db.classSession.count({ where: { id: other.id } })).toBe(1);

    const removed = await edit(offering.id, { intent: "remove-session", sessionId: String(session.id) });
    expect(removed.status).toBe(200);
    expect(await db.classSession.count({ where: { id: session.id } })).toBe(0);
    expect((await auditsOf("Offering", offering.id)).map((e) => e.action)).toEqual([
      "offering.session_added",
      "offering.session_updated",
      "offering.session_removed",
    ]);

    // A session of another class can't be reached through this one.
    const elsewhere = await makeOffering(course.id, tree.streets[0].id);
    const [foreign] = await makeSessions(elsewhere.id, [60]);
    expect((await edit(offering.id, { intent: "remove-session", sessionId: String(foreign.id) })).status).toBe(400);
    expect(await db.classSession.count({ where: { id: foreign.id } })).toBe(1);
  });
});

describe("HR's roster actions", () => {
  it("enrol by employee number, move to another class of the course, and withdraw: with reasons, audited", async () => {
    const offering = await makeOffering(course.id, tree.streets[0].id, { capacity: 2 });
    const target = await makeOffering(course.id, tree.streets[0].areaId, { capacity: 5 });
    const [first, waiting] = [...(await fill(offering.id, 1)), ...(await fill(offering.id, 2)).slice(1)];
    const newcomer = await makeLearner(tree.streets[0].areaId);
    const stranger = await makeLearner(tree.streets[1].areaId);

    const noReason = await edit(offering.id, { intent: "enrol", employeeNo: newcomer.person.employeeNo, reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fieldErrors?.reason).toBe("errors.required");

    const outside = await edit(offering.id, { intent: "enrol", employeeNo: stranger.person.employeeNo, reason: "补录" });
    expect(outside.status).toBe(400);
    expect(outside.body.fieldText?.employeeNo).toContain(stranger.person.employeeNo);
    expect(await db.enrolment.count({ where: { personId: stranger.person.id } })).toBe(0);

    // The class is full (2 seats: one enrolled, one more enrolled by fill): HR never oversells.
    const full = await edit(offering.id, { intent: "enrol", employeeNo: newcomer.person.employeeNo.toLowerCase(), reason: "街道推荐" });
    expect(full.status).toBe(409);
    expect(full.body.formError).toBeTruthy();

    // Move the first learner out: their seat passes down the waiting list.
    const noTarget = await edit(offering.id, { intent: "move", enrolmentId: String(first.enrolmentId), toOfferingId: "999999", reason: "调班" });
    expect(noTarget.status).toBe(400);
    const move = await edit(offering.id, { intent: "move", enrolmentId: String(first.enrolmentId), toOfferingId: String(target.id), reason: "工作时间冲突" });
    expect(move.status).toBe(200);
    expect(await statusOf(first.enrolmentId)).toBe("withdrawn");
    expect((await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: target.id, personId: first.person.id } } })).status).toBe("enrolled");
    expect(await statusOf(waiting.enrolmentId)).toBe("enrolled");
    const moveAudit = await db.auditEvent.findFirstOrThrow({ where: { action: "enrolment.moved", entityId: String(first.enrolmentId) } });
    expect([moveAudit.reason, moveAudit.actorId]).toEqual(["工作时间冲突", hrAId]);

    // Withdraw the promoted learner, then enrol the newcomer into the freed seat.
    const out = await edit(offering.id, { intent: "withdraw", enrolmentId: String(waiting.enrolmentId), reason: "本人申请" });
    expect(out.status).toBe(200);
    expect(await statusOf(waiting.enrolmentId)).toBe("withdrawn");
    const withdrawAudit = await db.auditEvent.findFirstOrThrow({ where: { action: "enrolment.withdrawn_by_hr", entityId: String(waiting.enrolmentId) } });
    expect(withdrawAudit.reason).toBe("本人申请");
    expect((await notificationsOf(waiting.user!.id)).map((n) => n.key)).toContain("enrolment.notify.withdrawnByHr");

    const enrolled = await edit(offering.id, { intent: "enrol", employeeNo: newcomer.person.employeeNo, reason: "街道推荐" });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.notice).toContain(newcomer.person.name);
    const row = await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: offering.id, personId: newcomer.person.id } } });
    expect(row.status).toBe("enrolled");
    const enrolAudit = await db.auditEvent.findFirstOrThrow({ where: { action: "enrolment.hr_enrolled", entityId: String(row.id) } });
    expect(enrolAudit.reason).toBe("街道推荐");

    // An enrolment of another class can't be acted on through this page.
    const foreign = await edit(target.id, { intent: "withdraw", enrolmentId: String(row.id), reason: "x" });
    expect(foreign.status).toBe(400);
    expect(await statusOf(row.id)).toBe("enrolled");
  });

  it("completes a class after it ended, from attendance", async () => {
    const past = new Date(Date.now() - 3 * 86_400_000);
    const offering = await makeOffering(course.id, tree.streets[0].id, {
      opens: new Date(past.getTime() - 20 * 86_400_000),
      closes: new Date(past.getTime() - 10 * 86_400_000),
      withdrawDeadline: new Date(past.getTime() - 10 * 86_400_000),
      starts: new Date(past.getTime() - 3_600_000),
      ends: past,
    });
    const session = await db.classSession.create({
      data: { offeringId: offering.id, startsAt: new Date(past.getTime() - 3_600_000), endsAt: past, checkinSecret: "x" },
    });
    const [present, absent] = [await makeLearner(tree.streets[0].areaId), await makeLearner(tree.streets[0].areaId)];
    for (const p of [present, absent]) {
      await db.enrolment.create({ data: { offeringId: offering.id, personId: p.person.id, status: "enrolled" } });
    }
    await db.attendance.create({ data: { sessionId: session.id, personId: present.person.id, status: "present" } });

    const answer = await edit(offering.id, { intent: "complete" });
    expect(answer.status).toBe(200);
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe("closed");
    const statuses = await db.enrolment.findMany({ where: { offeringId: offering.id }, orderBy: { personId: "asc" }, select: { personId: true, status: true } });
    expect(statuses).toEqual([
      { personId: present.person.id, status: "completed" },
      { personId: absent.person.id, status: "not_completed" },
    ]);
    // A class that hasn't ended yet can't be completed.
    const upcoming = await makeOffering(course.id, tree.streets[0].id, { starts: new Date(Date.now() + 86_400_000), ends: new Date(Date.now() + 2 * 86_400_000) });
    expect((await edit(upcoming.id, { intent: "complete" })).status).toBe(409);
  });
});

describe("level waivers", () => {
  it("let a learner into the next level until revoked; scoped, with reasons, audited", async () => {
    const coreCourse = await makeCourse(catalogue, { rank: 2 });
    const coreClass = await makeOffering(coreCourse.id, tree.streets[0].id);
    const learner = await makeLearner(tree.streets[0].areaId);
    const coreLevel = catalogue.levels.find((l) => l.rank === 2)!;
    const lowest = catalogue.levels.find((l) => l.rank === 1)!;
    const eligible = async () => (await checkEligibility(db, { personId: learner.person.id, offeringId: coreClass.id })).ok;
    expect(await eligible()).toBe(false);
    // HR can't enrol them either, until a waiver is recorded.
    const refused = await edit(coreClass.id, { intent: "enrol", employeeNo: learner.person.employeeNo, reason: "骨干培养" });
    expect(refused.status).toBe(409);

    const grant = (cookie: string, fields: Record<string, string>) => post("/hr/waivers", { intent: "grant", ...fields }, cookie);
    expect((await grant(cookies.hrA, { employeeNo: learner.person.employeeNo, levelId: String(coreLevel.id), reason: "" })).body.fieldErrors?.reason).toBe("errors.required");
    expect((await grant(cookies.hrA, { employeeNo: learner.person.employeeNo, levelId: String(lowest.id), reason: "x" })).body.fieldText?.levelId).toBeTruthy();
    const fromOutside = await grant(cookies.hrB, { employeeNo: learner.person.employeeNo, levelId: String(coreLevel.id), reason: "越权" });
    expect(fromOutside.status).toBe(400);
    expect(fromOutside.body.fieldText?.employeeNo).toBeTruthy();
    expect(await eligible()).toBe(false);

    const granted = await grant(cookies.hrA, { employeeNo: learner.person.employeeNo, levelId: String(coreLevel.id), reason: "已任骨干三年，经街道推荐" });
    expect(granted.status).toBe(200);
    expect(await eligible()).toBe(true);
    const waiver = await db.prerequisiteWaiver.findFirstOrThrow({ where: { personId: learner.person.id } });
    expect([waiver.reason, waiver.grantedById, waiver.levelId]).toEqual(["已任骨干三年，经街道推荐", hrAId, coreLevel.id]);
    const again = await grant(cookies.hrA, { employeeNo: learner.person.employeeNo, levelId: String(coreLevel.id), reason: "重复" });
    expect(again.status).toBe(200);
    expect(await db.prerequisiteWaiver.count({ where: { personId: learner.person.id } })).toBe(1);

    const list = async (cookie: string, query = "") => {
      const response = await settle(() => waiverLoader(args(getRequest(`/hr/waivers${query}`, cookie))));
      return ((await response.json()) as { waivers: { id: number; grantedBy: string | null }[] }).waivers;
    };
    expect((await list(cookies.hrA)).map((w) => w.id)).toContain(waiver.id);
    expect((await list(cookies.hrA))[0].grantedBy).toBe("hr user");
    expect((await list(cookies.hrB)).map((w) => w.id)).not.toContain(waiver.id);

    // Now HR may enrol them.
    expect((await edit(coreClass.id, { intent: "enrol", employeeNo: learner.person.employeeNo, reason: "骨干培养" })).status).toBe(200);

    const revoke = (cookie: string, reason: string) => post("/hr/waivers", { intent: "revoke", waiverId: String(waiver.id), reason }, cookie);
    expect((await revoke(cookies.hrB, "越权")).status).toBe(400);
    expect((await revoke(cookies.hrA, "")).body.fieldErrors?.reason).toBe("errors.required");
    expect((await db.prerequisiteWaiver.findUniqueOrThrow({ where: { id: waiver.id } })).revokedAt).toBeNull();
    expect((await revoke(cookies.hrA, "推荐材料有误")).status).toBe(200);
    expect(await eligible()).toBe(false);
    expect((await list(cookies.hrA)).map((w) => w.id)).not.toContain(waiver.id);
    expect((await list(cookies.hrA, "?revoked=1")).map((w) => w.id)).toContain(waiver.id);
    const audits = await auditsOf("PrerequisiteWaiver", waiver.id);
    expect(audits.map((a) => [a.action, a.reason])).toEqual([
      ["enrolment.waiver_granted", "已任骨干三年，经街道推荐"],
      ["enrolment.waiver_revoked", "推荐材料有误"],
    ]);
    // The enrolment made under the waiver stands.
    expect((await db.enrolment.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: coreClass.id, personId: learner.person.id } } })).status).toBe("enrolled");
  });
});

describe("the class list", () => {
  it("searches and filters by course, status and Shanghai month", async () => {
    const other = await makeCourse(catalogue, { rank: 1 });
    const april = await makeOffering(other.id, tree.streets[1].id, {
      starts: new Date("2026-03-31T16:30:00Z"), // 1 April 00:30 in Shanghai
      ends: new Date("2026-04-02T10:00:00Z"),
    });
    const march = await makeOffering(other.id, tree.streets[1].id, { status: "draft" });
    const ids = async (query: string) => {
      const response = await settle(() => listLoader(args(getRequest(`/hr/classes${query}`, cookies.hrB))));
      return ((await response.json()) as { classes: { id: number }[] }).classes.map((c) => c.id);
    };
    expect(await ids(`?year=2026&course=${other.id}`)).toEqual([march.id, april.id]);
    expect(await ids(`?year=2026&course=${other.id}&month=2026-04`)).toEqual([april.id]);
    expect(await ids(`?year=2026&course=${other.id}&month=2026-03`)).toEqual([march.id]);
    expect(await ids(`?year=2026&course=${other.id}&status=draft`)).toEqual([march.id]);
    expect(await ids(`?year=2026&q=${encodeURIComponent(april.code)}`)).toEqual([april.id]);
    expect(await ids(`?year=2025&course=${other.id}`)).toEqual([]);
  });
});
