// When every attempt of a write lost its race (TransactionBusyError from inTransaction), the
// page answers 503 "busy, please try again" in its own form-error shape — never a 500 — and
// nothing is written. The race is forced: every transaction does its work and then reports a
// lost race (ConcurrentChange), so each attempt really writes and really rolls back.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUSY_MESSAGE_KEY } from "~/db/busy-response.server";
import { ConcurrentChange } from "~/db/transaction.server";
import { translator, type MessageKey } from "~/i18n/i18n";
import { action as appraisalsAction } from "~/routes/hr.appraisals";
import { loader as ruleSetsLoader } from "~/routes/hr.eligibility._index";
import { action as yearsAction } from "~/routes/hr.years";
import { action as campAction } from "~/routes/trainer.camps.$campId._index";
import { getDb, db } from "~/utils/db.server";
import { makeCatalogue, makeCourse, makeOffering } from "../support/enrolment-fixtures";
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
