// When every attempt of a write lost its race (TransactionBusyError from inTransaction), the
// page answers 503 "busy, please try again" in its own form-error shape — never a 500 — and
// nothing is written. The race is forced: every transaction does its work and then reports a
// lost race (ConcurrentChange), so each attempt really writes and really rolls back.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentCheckinCode } from "~/attendance/checkin-code.server";
import { BUSY_MESSAGE_KEY } from "~/db/busy-response.server";
import { ConcurrentChange } from "~/db/transaction.server";
import { translator, type Locale, type MessageKey } from "~/i18n/i18n";
import { localeCookie } from "~/i18n/i18n.server";
import { action as appraisalsAction } from "~/routes/hr.appraisals";
import { action as hrClassAction } from "~/routes/hr.classes.$offeringId";
import { loader as ruleSetsLoader } from "~/routes/hr.eligibility._index";
import { action as yearsAction } from "~/routes/hr.years";
import { action as checkinAction } from "~/routes/my.check-in";
import { action as campAction } from "~/routes/trainer.camps.$campId._index";
import { action as trainerClassAction } from "~/routes/trainer.classes.$offeringId";
import { action as gradingAction } from "~/routes/trainer.grading.$projectId";
import { action as sessionAction } from "~/routes/trainer.sessions.$sessionId";
import { getDb, db } from "~/utils/db.server";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

type Client = { $transaction: (work: unknown, options?: unknown) => Promise<unknown> };
let restore: (() => void) | null = null;

/**
 * Every interactive transaction from now on writes, then loses; returns how many ran. (The
 * Prisma client is a proxy that vi.spyOn cannot wrap, so the method is swapped by hand.)
 */
function loseEveryRace() {
  const client = getDb() as unknown as Client;
  const original = client.$transaction;
  const real = original.bind(client);
  const attempts = { count: 0 };
  client.$transaction = (work, options) => {
    // Batch transactions (an array of queries) are not what inTransaction runs: pass them through.
    if (typeof work !== "function") return real(work, options);
    return real(async (tx: unknown) => {
      attempts.count += 1;
      await (work as (tx: unknown) => Promise<unknown>)(tx);
      throw new ConcurrentChange("forced by the test");
    }, options);
  };
  restore = () => {
    client.$transaction = original;
    restore = null;
  };
  return attempts;
}

afterEach(() => {
  restore?.();
});

type Busy = { error: { key: MessageKey; params?: Record<string, string> } };

async function expectBusy(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("1");
  const body = (await response.json()) as Busy;
  expect(body.error.key).toBe(BUSY_MESSAGE_KEY);
  // What the page shows (it renders t(error.key, error.params)), in either language.
  expect(translator("en")(body.error.key, body.error.params)).toMatch(/nothing was saved\. Please try again/);
  expect(translator("zh-CN")(body.error.key, body.error.params)).toMatch(/没有保存，请再试一次/);
  return body;
}

let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
});

describe("career: recording an appraisal when every attempt lost", () => {
  it("answers 503 with the translated busy message and records nothing", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    const hr = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
    const cookie = await sessionCookieFor(hr.id);
    const auditBefore = await db.auditEvent.count();
    const attempts = loseEveryRace();
    const response = await settle(() =>
      appraisalsAction(
        args(
          formRequest(
            "/hr/appraisals",
            { intent: "one", year: "2024", streetId: String(tree.streets[0].id), personId: String(person.id), rating: "pass", reason: "" },
            cookie,
          ),
        ),
      ),
    );
    const body = await expectBusy(response);
    expect(body).toMatchObject({ intent: "one" });
    expect(attempts.count).toBe(6);
    restore?.();
    expect(await db.appraisal.count({ where: { personId: person.id } })).toBe(0);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });
});

describe("credit years: closing a year when every attempt lost", () => {
  it("answers 503 and leaves the year open", async () => {
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const cookie = await sessionCookieFor(hr.id);
    const year = 2023;
    const before = await db.creditYear.findUnique({ where: { year } });
    loseEveryRace();
    const response = await settle(() => yearsAction(args(formRequest("/hr/years", { intent: "close", year: String(year), reason: "年终结算" }, cookie))));
    expect(await expectBusy(response)).toMatchObject({ year });
    restore?.();
    expect(await db.creditYear.findUnique({ where: { year } })).toEqual(before);
  });
});

describe("camp: adding a brief when every attempt lost", () => {
  it("answers 503 with the translated busy message and adds no brief", async () => {
    const catalogue = await makeCatalogue();
    const course = await makeCourse(catalogue, { mode: "camp" });
    const offering = await makeOffering(course.id, tree.district.id);
    const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000 } });
    const lead = await makeUser("trainer");
    await db.campStaff.create({ data: { campId: camp.id, userId: lead.id, role: "lead" } });
    const cookie = await sessionCookieFor(lead.id);
    const auditBefore = await db.auditEvent.count();
    const attempts = loseEveryRace();
    const response = await settle(() =>
      campAction(
        args(formRequest(`/trainer/camps/${camp.id}`, { intent: "add-brief", title: "路演材料", description: "", dueAt: "2099-03-01T18:00" }, cookie), {
          campId: String(camp.id),
        }),
      ),
    );
    expect(await expectBusy(response)).toMatchObject({ ok: false });
    expect(attempts.count).toBe(6);
    restore?.();
    expect(await db.projectBrief.count({ where: { campId: camp.id } })).toBe(0);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });
});

describe("career: a page whose first read seeds defaults, when every attempt lost", () => {
  it("is a 503 page (the error boundary's busy message), and seeds nothing", async () => {
    expect(await db.eligibilityRuleSet.count()).toBe(0);
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const cookie = await sessionCookieFor(hr.id);
    loseEveryRace();
    const response = await settle(() => ruleSetsLoader(args(getRequest("/hr/eligibility", cookie))));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(translator("zh-CN")("errorPage.503.title")).toMatch(/繁忙/);
    restore?.();
    expect(await db.eligibilityRuleSet.count()).toBe(0);
    // Once the collisions stop, the page works and seeds the defaults.
    expect((await settle(() => ruleSetsLoader(args(getRequest("/hr/eligibility", cookie))))).status).toBe(200);
    expect(await db.eligibilityRuleSet.count()).toBeGreaterThan(0);
  });
});

// Attendance, classes, camp set-up and grading run on the shared retry too: their busy answer is
// this generic one, not enrolment's "many people are enrolling right now".

const MINUTE = 60_000;

/** A class of the district running now: an open session, its trainer and two enrolled learners. */
async function runningClass() {
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue);
  const now = Date.now();
  const trainer = await makeUser("trainer");
  const offering = await makeOffering(course.id, tree.district.id, { starts: new Date(now - 60 * MINUTE), ends: new Date(now + 24 * 60 * MINUTE) });
  await db.offering.update({ where: { id: offering.id }, data: { trainerId: trainer.id } });
  const session = await db.classSession.create({
    data: { offeringId: offering.id, startsAt: new Date(now - 10 * MINUTE), endsAt: new Date(now + 80 * MINUTE), checkinSecret: `busy-${offering.id}` },
  });
  const learners = [await makeLearner(tree.streets[0].areaId), await makeLearner(tree.streets[0].areaId)];
  for (const learner of learners) {
    await db.enrolment.create({ data: { offeringId: offering.id, personId: learner.person.id, status: "enrolled" } });
  }
  return { offering, session, trainer, learners };
}

describe("attendance: taking attendance when every attempt lost", () => {
  it("answers 503 with the generic busy message, the marks sent kept, and records no mark", async () => {
    const { session, trainer, learners } = await runningClass();
    const cookie = await sessionCookieFor(trainer.id);
    const attempts = loseEveryRace();
    const fields = { intent: "all-present", [`mark.${learners[0].person.id}`]: "late" };
    const response = await settle(() => sessionAction(args(formRequest(`/trainer/sessions/${session.id}`, fields, cookie), { sessionId: String(session.id) })));
    const body = await expectBusy(response);
    expect(body).toMatchObject({ submitted: { [String(learners[0].person.id)]: "late" } });
    expect(attempts.count).toBe(6);
    restore?.();
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0);
  });

  it("a learner's check-in: 503 with the generic busy message, the code kept, and no mark", async () => {
    const { session, learners } = await runningClass();
    const user = learners[0].user!;
    const cookie = await sessionCookieFor(user.id);
    const code = currentCheckinCode(session, new Date())!.code;
    const attempts = loseEveryRace();
    const response = await settle(() => checkinAction(args(formRequest("/my/check-in", { code }, cookie))));
    expect(await expectBusy(response)).toMatchObject({ ok: false, code });
    expect(attempts.count).toBe(6);
    restore?.();
    expect(await db.attendance.count({ where: { sessionId: session.id } })).toBe(0);
  });
});

describe("classes: the trainer closing a class when every attempt lost", () => {
  it("answers 503 (not enrolment's 409) and leaves the class open, undecided, without credits", async () => {
    const catalogue = await makeCatalogue();
    const course = await makeCourse(catalogue, { rank: 1, creditPoints: 600 });
    const offering = await makeOffering(course.id, tree.district.id);
    const trainer = await makeUser("trainer");
    await db.offering.update({ where: { id: offering.id }, data: { trainerId: trainer.id } });
    const [session] = await makeSessions(offering.id, [180]);
    const learner = await makeLearner(tree.streets[0].areaId);
    await db.enrolment.create({ data: { offeringId: offering.id, personId: learner.person.id, status: "enrolled" } });
    await db.attendance.create({ data: { sessionId: session.id, personId: learner.person.id, status: "present" } });
    const cookie = await sessionCookieFor(trainer.id);
    const auditBefore = await db.auditEvent.count();
    const attempts = loseEveryRace();
    const response = await settle(() => trainerClassAction(args(formRequest(`/trainer/classes/${offering.id}`, {}, cookie), { offeringId: String(offering.id) })));
    expect(await expectBusy(response)).toMatchObject({ ok: false, completed: 0, notCompleted: 0 });
    expect(attempts.count).toBe(6);
    restore?.();
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).status).toBe(offering.status);
    expect((await db.enrolment.findFirstOrThrow({ where: { offeringId: offering.id } })).status).toBe("enrolled");
    expect(await db.ledgerEntry.count({ where: { offeringId: offering.id } })).toBe(0);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });
});

describe("camp set-up: HR changing a camp's lead when every attempt lost", () => {
  it("answers 503 with the busy message in the reader's language, and the lead stays", async () => {
    const catalogue = await makeCatalogue();
    const course = await makeCourse(catalogue, { mode: "camp" });
    const offering = await makeOffering(course.id, tree.district.id);
    const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000 } });
    const [lead, next] = [await makeUser("trainer"), await makeUser("trainer")];
    await db.campStaff.create({ data: { campId: camp.id, userId: lead.id, role: "lead" } });
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const staffBefore = await db.campStaff.findMany({ where: { campId: camp.id }, orderBy: { userId: "asc" } });
    const auditBefore = await db.auditEvent.count();
    const english = `; ${(await localeCookie.serialize("en")).split(";")[0]}`;
    for (const [locale, extra] of [["zh-CN", ""], ["en", english]] as [Locale, string][]) {
      const cookie = (await sessionCookieFor(hr.id)) + extra;
      const attempts = loseEveryRace();
      const fields = { intent: "camp-lead", leadUserId: String(next.id), reason: "原负责人调岗" };
      const response = await settle(() => hrClassAction(args(formRequest(`/hr/classes/${offering.id}`, fields, cookie), { offeringId: String(offering.id) })));
      const body = (await expectBusy(response)) as Busy & { intent?: string; formError?: string };
      // The class pages show refusals as text: the same message, already in the reader's language.
      expect(body).toMatchObject({ intent: "camp-lead", formError: translator(locale)(BUSY_MESSAGE_KEY) });
      expect(attempts.count).toBe(6);
      restore?.();
    }
    expect(await db.campStaff.findMany({ where: { campId: camp.id }, orderBy: { userId: "asc" } })).toEqual(staffBefore);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });
});

describe("grading: saving a mark when every attempt lost", () => {
  it("answers 503 with the generic busy message and records no mark", async () => {
    const catalogue = await makeCatalogue();
    const course = await makeCourse(catalogue, { mode: "camp" });
    const offering = await makeOffering(course.id, tree.district.id, { status: "closed" });
    const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000, status: "grading" } });
    const mentor = await makeUser("trainer");
    await db.campStaff.create({ data: { campId: camp.id, userId: mentor.id, role: "mentor" } });
    const rubric = await db.rubric.create({
      data: {
        name: "Busy rubric",
        campId: camp.id,
        criteria: {
          create: [{ title: "C1", competencyId: catalogue.competencyIds[0], weight: 100, sortOrder: 1, levels: { create: [{ label: "Good", points: 100, sortOrder: 1 }] } }],
        },
      },
      select: { criteria: { select: { id: true, levels: { select: { id: true } } } } },
    });
    const brief = await db.projectBrief.create({ data: { campId: camp.id, title: "Brief", dueAt: new Date("2026-03-12T02:00:00Z") } });
    const team = await db.team.create({ data: { campId: camp.id, name: "A" } });
    const member = await makeLearner(tree.streets[0].areaId);
    await db.teamMember.create({ data: { teamId: team.id, personId: member.person.id } });
    const project = await db.project.create({
      data: {
        teamId: team.id,
        briefId: brief.id,
        title: "Project",
        versions: { create: { versionNo: 1, background: "bg", design: "d", budget: "b", impact: "i", submittedById: member.user!.id } },
      },
    });
    const [criterion] = rubric.criteria;
    const cookie = await sessionCookieFor(mentor.id);
    const attempts = loseEveryRace();
    const fields = { intent: "save", [`level.${criterion.id}`]: String(criterion.levels[0].id), [`comment.${criterion.id}`]: "清楚" };
    const response = await settle(() => gradingAction(args(formRequest(`/trainer/grading/${project.id}`, fields, cookie), { projectId: String(project.id) })));
    await expectBusy(response);
    expect(attempts.count).toBe(6);
    restore?.();
    expect(await db.mark.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.markEvent.count({ where: { projectId: project.id } })).toBe(0);
  });
});
