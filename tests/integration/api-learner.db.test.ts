// The mobile client's JSON API: same rules and permissions as the pages.
import { beforeAll, describe, expect, it } from "vitest";
import { action as enrolmentsAction } from "~/routes/api.v1.offerings.$offeringId.enrolments";
import { loader as creditsLoader } from "~/routes/api.v1.me.credits";
import { awardCredits } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering } from "../support/enrolment-fixtures";
import { BASE, sessionCookieFor, settle } from "../support/requests";

const DAY = 24 * 3600_000;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Awaited<ReturnType<typeof makeCatalogue>>;

function call(method: string, path: string, cookie: string, params: Record<string, string>, language = "en") {
  const request = new Request(BASE + path, { method, headers: { Cookie: cookie, "Accept-Language": language } });
  return settle(() => enrolmentsAction({ request, params, context: {} }));
}

/** A class whose enrolment window is open right now (the API uses the real clock). */
async function openClass(capacity: number) {
  const course = await makeCourse(catalogue, { rank: 1 });
  const now = Date.now();
  return makeOffering(course.id, tree.streets[0].id, {
    capacity,
    opens: new Date(now - DAY),
    closes: new Date(now + 5 * DAY),
    withdrawDeadline: new Date(now + 6 * DAY),
    starts: new Date(now + 10 * DAY),
    ends: new Date(now + 11 * DAY),
  });
}

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
});

describe("POST/DELETE /api/v1/offerings/{id}/enrolments", () => {
  it("enrols, then a full class puts the next learner on the waiting list with a position", async () => {
    const offering = await openClass(1);
    const first = await makeLearner(tree.streets[0].areaId);
    const second = await makeLearner(tree.streets[0].areaId);
    const a = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, await sessionCookieFor(first.user!.id), {
      offeringId: String(offering.id),
    });
    expect(a.status).toBe(201);
    expect(await a.json()).toMatchObject({ state: "enrolled", alreadyEnrolled: false });
    const bCookie = await sessionCookieFor(second.user!.id);
    const b = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, bCookie, { offeringId: String(offering.id) });
    expect(await b.json()).toMatchObject({ state: "waitlisted", waitlistPosition: 1 });
    // A double submit does one thing.
    const again = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, bCookie, { offeringId: String(offering.id) });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ state: "waitlisted", alreadyEnrolled: true });
    expect(await db.enrolment.count({ where: { offeringId: offering.id } })).toBe(2);
    // The first withdraws: the second is promoted.
    const out = await call("DELETE", `/api/v1/offerings/${offering.id}/enrolments`, await sessionCookieFor(first.user!.id), {
      offeringId: String(offering.id),
    });
    expect(await out.json()).toMatchObject({ state: "withdrawn", previousState: "enrolled" });
    const promoted = await db.enrolment.findFirstOrThrow({ where: { offeringId: offering.id, personId: second.person.id } });
    expect(promoted.status).toBe("enrolled");
  });

  it("explains a refusal in the caller's language and changes nothing", async () => {
    const course = await makeCourse(catalogue, { rank: 2 });
    const now = Date.now();
    const offering = await makeOffering(course.id, tree.streets[0].id, {
      opens: new Date(now - DAY),
      closes: new Date(now + DAY),
      withdrawDeadline: new Date(now + DAY),
      starts: new Date(now + 2 * DAY),
      ends: new Date(now + 3 * DAY),
    });
    const learner = await makeLearner(tree.streets[0].areaId);
    const cookie = await sessionCookieFor(learner.user!.id);
    const en = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, cookie, { offeringId: String(offering.id) }, "en");
    expect(en.status).toBe(422);
    const body = await en.json();
    expect(body.error.code).toBe("enrolment.errors.notEligible");
    expect(body.error.missing).toHaveLength(1);
    expect(body.error.missing[0].code).toBe("enrolment.missing.level");
    const zh = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, cookie, { offeringId: String(offering.id) }, "zh-CN");
    expect((await zh.json()).error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await db.enrolment.count({ where: { offeringId: offering.id } })).toBe(0);
    const missing = await call("POST", `/api/v1/offerings/999999/enrolments`, cookie, { offeringId: "999999" });
    expect(missing.status).toBe(404);
  });

  it("is for learners only, and needs a session", async () => {
    const offering = await openClass(5);
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const asHr = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, await sessionCookieFor(hr.id), {
      offeringId: String(offering.id),
    });
    expect(asHr.status).toBe(403);
    const anonymous = await call("POST", `/api/v1/offerings/${offering.id}/enrolments`, "", { offeringId: String(offering.id) });
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/me/credits", () => {
  it("answers the learner's own status for the year, in points", async () => {
    const learner = await makeLearner(tree.streets[1].areaId);
    await awardCredits(db, {
      personId: learner.person.id,
      creditYear: 2025,
      amount: 2450,
      category: "in_person",
      sourceType: "import",
      sourceKey: `import:test:${learner.person.id}`,
      competencies: [
        { competencyId: catalogue.competencyIds[0], amount: 2000 },
        { competencyId: catalogue.competencyIds[1], amount: 450 },
      ],
    });
    const request = new Request(BASE + "/api/v1/me/credits?year=2025", {
      headers: { Cookie: await sessionCookieFor(learner.user!.id), "Accept-Language": "en" },
    });
    const response = await settle(() => creditsLoader({ request, params: {}, context: {} }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ year: 2025, earned: 24.5, counted: 24.5, required: 56, met: false });
    expect(body.byCategory.in_person).toBe(24.5);
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain("credits.status.pointsShort");
    expect(body.reasons[0].message).toMatch(/24\.5 points counted of 56 required/);
    const bad = await settle(() =>
      creditsLoader({
        request: new Request(BASE + "/api/v1/me/credits?year=abc", { headers: { Cookie: request.headers.get("Cookie")! } }),
        params: {},
        context: {},
      }),
    );
    expect(bad.status).toBe(400);
  });
});
