// Setting up camps from HR's class pages (app/camps/camp-setup.server.ts), through the routes as
// Remix calls them: a class of a camp course gets its Camp and lead in the same transaction,
// a camp-course class without a trainer is set up later, the lead changes with a reason (the
// former lead stays as a mentor), everything audited; out-of-scope officers, trainers and
// learners are refused; bad input writes nothing; a class with a camp keeps a camp course and
// a course with camps keeps the camp mode.
import { beforeAll, describe, expect, it } from "vitest";
import { CAMP_DEFAULTS, changeCampLead, setUpCamp } from "~/camps/camp-setup.server";
import { updateCourse } from "~/catalogue-admin/courses.server";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { toShanghaiLocal } from "~/classes/shanghai-time";
import { action as editAction, loader as editLoader } from "~/routes/hr.classes.$offeringId";
import { action as newAction } from "~/routes/hr.classes.new";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, type Catalogue } from "../support/enrolment-fixtures";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Catalogue;
let campCourse: { id: number };
let plainCourse: { id: number };
let trainers: { id: number; displayName: string }[];
let disabledTrainer: { id: number };
let hrAId: number;
let cookies: { hrA: string; hrB: string; admin: string; learner: string; trainer: string };

type Answer = { intent?: string; notice?: string; formError?: string; fieldErrors?: Record<string, string>; fieldText?: Record<string, string> };

const args = (request: Request, offeringId?: number) => ({
  request,
  params: offeringId === undefined ? {} : { offeringId: String(offeringId) },
  context: {},
});

async function create(fields: Record<string, string>, cookie = cookies.hrA) {
  const response = await settle(() => newAction(args(formRequest("/hr/classes/new", fields, cookie))));
  const body = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Answer) : ({} as Answer);
  return { status: response.status, body, location: response.headers.get("Location") };
}

async function post(offeringId: number, fields: Record<string, string>, cookie = cookies.hrA) {
  const response = await settle(() => editAction(args(formRequest(`/hr/classes/${offeringId}`, fields, cookie), offeringId)));
  const body = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Answer) : ({} as Answer);
  return { status: response.status, body };
}

type Panel = {
  isCampCourse: boolean;
  canSetUp: boolean;
  length: { days: number; nights: number };
  camp: { id: number; status: string; lead: { id: number } | null; mentors: number; judges: number; teams: number } | null;
};

async function panelOf(offeringId: number, cookie = cookies.hrA): Promise<Panel | null> {
  const response = await settle(() => editLoader(args(getRequest(`/hr/classes/${offeringId}`, cookie), offeringId)));
  expect(response.status).toBe(200);
  return ((await response.json()) as { camp: Panel | null }).camp;
}

function newClassFields(overrides: Record<string, string> = {}) {
  return {
    courseId: String(campCourse.id),
    hostUnitId: String(tree.streets[0].id),
    trainerId: String(trainers[0].id),
    venue: "区委党校",
    capacity: "24",
    enrolOpensAt: "2026-02-01T09:00",
    enrolClosesAt: "2026-03-01T17:00",
    withdrawDeadline: "2026-03-05T17:00",
    startsAt: "2026-03-10T09:00",
    endsAt: "2026-03-14T17:00",
    status: "draft",
    creditYear: "2026",
    ...overrides,
  };
}

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
    status: o.status,
    creditYear: String(o.creditYear),
    ...overrides,
  };
}

const campAudits = (campId: number) => db.auditEvent.findMany({ where: { entityType: "Camp", entityId: String(campId) }, orderBy: { id: "asc" } });
const staffOf = async (campId: number) =>
  Object.fromEntries((await db.campStaff.findMany({ where: { campId }, select: { userId: true, role: true } })).map((s) => [s.userId, s.role]));

/** Rows that a refused request must leave as they were. */
async function fingerprint() {
  const [camps, staff, audits, offerings] = await Promise.all([
    db.camp.count(),
    db.campStaff.findMany({ orderBy: [{ campId: "asc" }, { userId: "asc" }], select: { campId: true, userId: true, role: true } }),
    db.auditEvent.count(),
    db.offering.findMany({ orderBy: { id: "asc" }, select: { id: true, courseId: true, trainerId: true } }),
  ]);
  return JSON.stringify({ camps, staff, audits, offerings });
}

async function campClass(overrides: Record<string, string> = {}) {
  const created = await create(newClassFields(overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(302);
  const id = Number(created.location!.match(/\/hr\/classes\/(\d+)/)![1]);
  return { id, camp: await db.camp.findUnique({ where: { offeringId: id } }) };
}

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  campCourse = await makeCourse(catalogue, { mode: "camp", durationMinutes: 2400 });
  plainCourse = await makeCourse(catalogue);
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await makeUser("trainer"));
  trainers = made.map((u) => ({ id: u.id, displayName: u.displayName }));
  disabledTrainer = await makeUser("trainer", { disabled: true });
  const hrA = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
  hrAId = hrA.id;
  const hrB = await makeUser("hr", { scopeUnitId: tree.streets[1].id });
  const admin = await makeUser("admin");
  const learner = await makeLearner(tree.streets[0].areaId);
  cookies = {
    hrA: await sessionCookieFor(hrA.id),
    hrB: await sessionCookieFor(hrB.id),
    admin: await sessionCookieFor(admin.id),
    learner: await sessionCookieFor(learner.user!.id),
    trainer: await sessionCookieFor(trainers[0].id),
  };
});

describe("creating a camp class", () => {
  it("creates the Camp with the defaults and the trainer as its lead, in the same transaction, audited", async () => {
    const { id, camp } = await campClass();
    expect(camp).toMatchObject({ ...CAMP_DEFAULTS, status: "open" });
    expect(await staffOf(camp!.id)).toEqual({ [trainers[0].id]: "lead" });
    const audits = await campAudits(camp!.id);
    expect(audits.map((a) => a.action)).toEqual(["camp.created"]);
    expect(audits[0].actorId).toBe(hrAId);
    expect(JSON.parse(audits[0].after!)).toMatchObject({ offeringId: id, leadUserId: trainers[0].id, passMark: 6000 });

    const panel = await panelOf(id);
    expect(panel).toMatchObject({ isCampCourse: true, canSetUp: false, camp: { id: camp!.id, status: "open", mentors: 0, judges: 0, teams: 0 } });
    // The length comes from the class's dates (10–14 March), whatever Camp.nights says.
    expect(panel!.length).toEqual({ days: 5, nights: 4 });
    await db.offering.update({ where: { id }, data: { endsAt: new Date("2026-03-12T09:00:00Z") } });
    expect((await panelOf(id))!.length).toEqual({ days: 3, nights: 2 });
    expect(panel!.camp!.lead?.id).toBe(trainers[0].id);
  });

  it("makes no camp for a class of another course, and shows no camp panel", async () => {
    const created = await create(newClassFields({ courseId: String(plainCourse.id) }));
    expect(created.status).toBe(302);
    const id = Number(created.location!.match(/(\d+)/)![1]);
    expect(await db.camp.findUnique({ where: { offeringId: id } })).toBeNull();
    expect(await panelOf(id)).toBeNull();
  });

  it("without a trainer: the class is created without a camp, and the page sets it up with a lead", async () => {
    const { id, camp } = await campClass({ trainerId: "" });
    expect(camp).toBeNull();
    expect(await panelOf(id)).toMatchObject({ isCampCourse: true, canSetUp: true, camp: null });

    // Bad input writes nothing: no lead, a disabled trainer, a learner's account, a huge id.
    const before = await fingerprint();
    const learnerUser = await db.user.findFirstOrThrow({ where: { role: "learner" }, select: { id: true } });
    for (const leadUserId of ["", "abc", "2147483648", String(disabledTrainer.id), String(learnerUser.id), String(hrAId)]) {
      const refused = await post(id, { intent: "camp-setup", leadUserId });
      expect(refused.status, leadUserId).toBe(400);
      expect(refused.body.fieldErrors?.leadUserId ?? refused.body.fieldText?.leadUserId, leadUserId).toBeTruthy();
    }
    expect(await fingerprint()).toBe(before);

    const done = await post(id, { intent: "camp-setup", leadUserId: String(trainers[1].id), reason: "培训师到位" });
    expect(done.status).toBe(200);
    expect(done.body.notice).toContain(trainers[1].displayName);
    const camp2 = await db.camp.findUniqueOrThrow({ where: { offeringId: id } });
    expect(await staffOf(camp2.id)).toEqual({ [trainers[1].id]: "lead" });
    const [audit] = await campAudits(camp2.id);
    expect(audit).toMatchObject({ action: "camp.created", reason: "培训师到位", actorId: hrAId });

    // Twice: refused, still one camp.
    const again = await post(id, { intent: "camp-setup", leadUserId: String(trainers[2].id) });
    expect(again.status).toBe(400);
    expect(again.body.formError).toBeTruthy();
    expect(await db.camp.count({ where: { offeringId: id } })).toBe(1);
  });

  it("refuses to set up a camp for a class of another course", async () => {
    const plain = await makeOffering(plainCourse.id, tree.streets[0].areaId);
    const refused = await post(plain.id, { intent: "camp-setup", leadUserId: String(trainers[0].id) });
    expect(refused.status).toBe(400);
    expect(await db.camp.findUnique({ where: { offeringId: plain.id } })).toBeNull();
  });
});

describe("changing the lead mentor", () => {
  it("needs a reason and an enabled trainer; the former lead stays as a mentor; audited with before, after and why", async () => {
    const { id, camp } = await campClass();
    const campId = camp!.id;
    const before = await fingerprint();
    const bad: Record<string, string>[] = [
      { leadUserId: String(trainers[1].id) },
      { leadUserId: String(trainers[1].id), reason: "   " },
      { leadUserId: String(disabledTrainer.id), reason: "换人" },
      { leadUserId: String(trainers[0].id), reason: "换人" },
      { leadUserId: "-1", reason: "换人" },
      { leadUserId: String(trainers[1].id), reason: "x".repeat(501) },
    ];
    for (const fields of bad) {
      const refused = await post(id, { intent: "camp-lead", ...fields });
      expect(refused.status, JSON.stringify(fields)).toBe(400);
      const errors = { ...refused.body.fieldErrors, ...refused.body.fieldText };
      expect(Object.keys(errors).length, JSON.stringify(fields)).toBeGreaterThan(0);
    }
    expect(await fingerprint()).toBe(before);

    const changed = await post(id, { intent: "camp-lead", leadUserId: String(trainers[1].id), reason: "原总导师调任" });
    expect(changed.status).toBe(200);
    expect(changed.body.notice).toContain(trainers[1].displayName);
    expect(await staffOf(campId)).toEqual({ [trainers[0].id]: "mentor", [trainers[1].id]: "lead" });
    const audit = (await campAudits(campId)).at(-1)!;
    expect(audit).toMatchObject({ action: "camp.lead_changed", actorId: hrAId, reason: "原总导师调任" });
    expect(JSON.parse(audit.before!)).toEqual({ leadUserIds: [trainers[0].id], newLeadRole: null });
    expect(JSON.parse(audit.after!)).toEqual({ leadUserId: trainers[1].id, formerLeadsRole: "mentor" });

    // A mentor (the former lead) promoted back in place; a judge likewise. Still one lead.
    await db.campStaff.create({ data: { campId, userId: trainers[2].id, role: "judge" } });
    expect((await post(id, { intent: "camp-lead", leadUserId: String(trainers[2].id), reason: "评委接任" })).status).toBe(200);
    expect(await staffOf(campId)).toEqual({ [trainers[0].id]: "mentor", [trainers[1].id]: "mentor", [trainers[2].id]: "lead" });
    expect(JSON.parse((await campAudits(campId)).at(-1)!.before!)).toEqual({ leadUserIds: [trainers[1].id], newLeadRole: "judge" });

    // Allowed whatever the camp's status: only a lead can reopen a closed camp.
    await db.camp.update({ where: { id: campId }, data: { status: "closed" } });
    expect((await post(id, { intent: "camp-lead", leadUserId: String(trainers[0].id), reason: "结营后交接" })).status).toBe(200);
    expect((await staffOf(campId))[trainers[0].id]).toBe("lead");
    expect(await panelOf(id)).toMatchObject({ camp: { status: "closed", mentors: 2, judges: 0 } });
  });

  it("is refused for a camp-course class without a camp", async () => {
    const { id } = await campClass({ trainerId: "" });
    const refused = await post(id, { intent: "camp-lead", leadUserId: String(trainers[0].id), reason: "换人" });
    expect(refused.status).toBe(400);
    expect(refused.body.formError).toBeTruthy();
    expect(await db.camp.count({ where: { offeringId: id } })).toBe(0);
  });
});

describe("at the same moment", () => {
  it("two lead changes leave exactly one lead; two set-ups make one camp", async () => {
    const { id, camp } = await campClass();
    const actor = { id: hrAId, role: "hr" as const, scopeUnitPath: tree.streets[0].path };
    const results = await Promise.allSettled(
      [trainers[1], trainers[2]].map((t) => changeCampLead(actor, id, { leadUserId: t.id, reason: "同时更换" })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    const roles = Object.values(await staffOf(camp!.id));
    expect(roles.filter((r) => r === "lead")).toHaveLength(1);
    expect(roles).toHaveLength(3);

    const bare = await campClass({ trainerId: "" });
    const setups = await Promise.allSettled([trainers[0], trainers[1]].map((t) => setUpCamp(actor, bare.id, { leadUserId: t.id })));
    expect(setups.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const made = await db.camp.findMany({ where: { offeringId: bare.id }, select: { id: true } });
    expect(made).toHaveLength(1);
    expect(Object.values(await staffOf(made[0].id))).toEqual(["lead"]);
  });
});

describe("who may set up camps", () => {
  it("an officer of another street reads the class as not found; trainers and learners are forbidden; nothing changes", async () => {
    const { id, camp } = await campClass();
    const setupClass = await campClass({ trainerId: "" });
    const before = await fingerprint();
    expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${id}`, cookies.hrB), id)))).status).toBe(404);
    expect((await post(id, { intent: "camp-lead", leadUserId: String(trainers[1].id), reason: "越权" }, cookies.hrB)).status).toBe(404);
    expect((await post(setupClass.id, { intent: "camp-setup", leadUserId: String(trainers[1].id) }, cookies.hrB)).status).toBe(404);
    for (const cookie of [cookies.trainer, cookies.learner]) {
      expect((await settle(() => editLoader(args(getRequest(`/hr/classes/${id}`, cookie), id)))).status).toBe(403);
      expect((await post(id, { intent: "camp-lead", leadUserId: String(trainers[1].id), reason: "越权" }, cookie)).status).toBe(403);
      expect((await post(setupClass.id, { intent: "camp-setup", leadUserId: String(trainers[1].id) }, cookie)).status).toBe(403);
    }
    // The camp's own lead is a trainer: HR's page is still not theirs.
    expect((await staffOf(camp!.id))[trainers[0].id]).toBe("lead");
    // Creating a camp class in another street: refused before anything is written.
    expect((await create(newClassFields(), cookies.hrB)).status).toBe(400);
    expect(await fingerprint()).toBe(before);

    // An administrator may.
    expect((await post(id, { intent: "camp-lead", leadUserId: String(trainers[1].id), reason: "管理员调整" }, cookies.admin)).status).toBe(200);
  });
});

describe("course changes", () => {
  it("a class with a camp only moves to another camp course; a class moved onto a camp course gets its camp", async () => {
    const { id, camp } = await campClass();
    const before = await fingerprint();
    const refused = await post(id, await saveFields(id, { courseId: String(plainCourse.id) }));
    expect(refused.status).toBe(400);
    expect(refused.body.fieldText?.courseId).toBeTruthy();
    expect(await fingerprint()).toBe(before);

    const otherCamp = await makeCourse(catalogue, { mode: "camp" });
    expect((await post(id, await saveFields(id, { courseId: String(otherCamp.id) }))).status).toBe(200);
    expect((await db.camp.findUniqueOrThrow({ where: { offeringId: id } })).id).toBe(camp!.id);

    const created = await create(newClassFields({ courseId: String(plainCourse.id), trainerId: String(trainers[2].id) }));
    const plainId = Number(created.location!.match(/(\d+)/)![1]);
    expect((await post(plainId, await saveFields(plainId, { courseId: String(campCourse.id) }))).status).toBe(200);
    const moved = await db.camp.findUniqueOrThrow({ where: { offeringId: plainId } });
    expect(await staffOf(moved.id)).toEqual({ [trainers[2].id]: "lead" });
  });

  it("a course whose classes run camps keeps the camp mode in the catalogue", async () => {
    const course = await makeCourse(catalogue, { mode: "camp" });
    const full = await db.course.findUniqueOrThrow({ where: { id: course.id }, include: { competencies: true } });
    const input = {
      titleZh: full.titleZh,
      titleEn: full.titleEn,
      summaryZh: "",
      summaryEn: "",
      levelId: full.levelId,
      mode: "in_person" as const,
      durationMinutes: full.durationMinutes,
      creditPoints: full.creditPoints,
      hasAssessment: false,
      weights: full.competencies.map((c) => ({ competencyId: c.competencyId, weight: c.weight })),
      prerequisiteIds: [],
      reason: undefined,
      version: full.version,
    };
    await campClass({ courseId: String(course.id) });
    const error = await updateCourse(hrAId, course.id, input).catch((e: unknown) => e);
    expect(isCatalogueAdminError(error) && error.messageKey).toBe("campSetup.errors.courseModeLocked");
    expect((await db.course.findUniqueOrThrow({ where: { id: course.id } })).mode).toBe("camp");
  });
});
