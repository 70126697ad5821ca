// The HR API (/api/v1 people, credits, ledger, appraisals): API tokens (shown once, stored
// hashed, last use recorded, revocable, read-only), unit scope for tokens and HR sessions,
// cursor pagination, query validation, rate limits, and credit figures equal to the one
// status computation.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { API_RATE_LIMITS, windowStartFor } from "~/api/rate-limit.server";
import { authenticateApiToken, createApiToken, listApiTokens, revokeApiToken } from "~/api/tokens.server";
import { awardCredits, creditStatusForYear } from "~/credits/ledger.server";
import { action as tokensAction, loader as tokensLoader } from "~/routes/admin.tokens";
import { loader as appraisalsLoader, action as appraisalsAction } from "~/routes/api.v1.appraisals";
import { loader as ledgerLoader } from "~/routes/api.v1.ledger";
import { action as enrolmentsAction } from "~/routes/api.v1.offerings.$offeringId.enrolments";
import { loader as peopleLoader, action as peopleAction } from "~/routes/api.v1.people";
import { loader as creditsLoader } from "~/routes/api.v1.people_.$employeeNo.credits";
import { db } from "~/utils/db.server";
import { makeCatalogue, makeLearner, makePeople } from "../support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { BASE, formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, never> }) => Promise<unknown>;
type Auth = { token?: string; cookie?: string; authorization?: string };

function request(path: string, auth: Auth, init: { method?: string; language?: string } = {}) {
  const headers: Record<string, string> = { "Accept-Language": init.language ?? "en" };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.authorization) headers.Authorization = auth.authorization;
  if (auth.cookie) headers.Cookie = auth.cookie;
  return new Request(BASE + path, { method: init.method ?? "GET", headers });
}

function call(loader: Loader, path: string, auth: Auth, params: Record<string, string> = {}, language = "en") {
  return settle(() => loader({ request: request(path, auth, { language }), params, context: {} }));
}

async function body(response: Response) {
  return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let catalogue: Awaited<ReturnType<typeof makeCatalogue>>;
let admin: { id: number };
let streetACode: string;
let streetBCode: string;
let personA: { id: number; employeeNo: string };
let personB: { id: number; employeeNo: string };
let tokenA: string;
let tokenDistrict: string;

beforeAll(async () => {
  tree = await makeUnitTree();
  catalogue = await makeCatalogue();
  admin = await makeUser("admin");
  const [a, b] = tree.streets;
  streetACode = (await db.unit.findUniqueOrThrow({ where: { id: a.id } })).code;
  streetBCode = (await db.unit.findUniqueOrThrow({ where: { id: b.id } })).code;
  personA = (await makeLearner(a.areaId)).person;
  personB = (await makeLearner(b.areaId)).person;
  tokenA = (await createApiToken(admin.id, { name: "甲街道人事系统", scopeUnitId: a.id, reason: "对接" })).token;
  tokenDistrict = (await createApiToken(admin.id, { name: "区人事系统", scopeUnitId: tree.district.id, reason: "对接" })).token;
});

describe("API tokens", () => {
  it("are shown once, stored as a SHA-256 digest with a prefix, audited, and record their last use", async () => {
    const { token, row } = await createApiToken(admin.id, { name: "一次性", scopeUnitId: tree.streets[0].id, reason: "测试" });
    expect(token).toMatch(/^lat_[\w-]{43}$/);
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(stored.tokenHash).not.toContain(token.slice(4));
    expect(stored.prefix).toBe(token.slice(0, 12));
    expect(stored.lastUsedAt).toBeNull();
    // The list never carries the token or its digest.
    const listed = (await listApiTokens()).find((t) => t.id === row.id)!;
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "ApiToken", entityId: String(row.id), action: "api_token.created" } });
    expect(audit.actorId).toBe(admin.id);
    expect(audit.after).not.toContain(token);
    expect(audit.after).not.toContain(stored.tokenHash);

    const ok = await call(peopleLoader, "/api/v1/people", { token });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("X-RateLimit-Limit")).toBe(String(API_RATE_LIMITS.caller.limit));
    const used = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(used.lastUsedAt).not.toBeNull();
    expect(Date.now() - used.lastUsedAt!.getTime()).toBeLessThan(60_000);
  });

  it("stop working at once when revoked (401), and cannot be revoked twice", async () => {
    const { token, row } = await createApiToken(admin.id, { name: "将吊销", scopeUnitId: tree.district.id, reason: "测试" });
    expect((await call(peopleLoader, "/api/v1/people", { token })).status).toBe(200);
    await revokeApiToken(admin.id, row.id, "泄露");
    const refused = await call(peopleLoader, "/api/v1/people", { token });
    expect(refused.status).toBe(401);
    expect((await body(refused)).error).toMatchObject({ code: "api.errors.tokenInvalid", message: "The API token is invalid or has been revoked" });
    expect(refused.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await authenticateApiToken(token)).toBeNull();
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.revokedById).toBe(admin.id);
    await expect(revokeApiToken(admin.id, row.id, "again")).rejects.toThrow("api.tokens.alreadyRevoked");
    expect(await db.auditEvent.count({ where: { entityType: "ApiToken", entityId: String(row.id), action: "api_token.revoked" } })).toBe(1);
  });

  it("are created and revoked on the admin page: the token appears in that one answer only", async () => {
    const cookie = await sessionCookieFor(admin.id);
    const bad = await settle(() => tokensAction({ request: formRequest("/admin/tokens", { intent: "create", name: "", scopeUnitId: "x", reason: "" }, cookie), params: {}, context: {} }));
    expect(bad.status).toBe(400);
    const before = await db.apiToken.count();
    const created = await settle(() =>
      tokensAction({ request: formRequest("/admin/tokens", { intent: "create", name: "页面创建", scopeUnitId: String(tree.streets[1].id), reason: "对接" }, cookie), params: {}, context: {} }),
    );
    expect(created.status).toBe(200);
    const { created: shown } = await body(created);
    expect(await db.apiToken.count()).toBe(before + 1);
    expect(shown.token).toMatch(/^lat_/);
    const page = await settle(() => tokensLoader({ request: getRequest("/admin/tokens", cookie), params: {}, context: {} }));
    const pageText = await page.text();
    expect(pageText).toContain("页面创建");
    expect(pageText).not.toContain(shown.token);
    const row = await db.apiToken.findFirstOrThrow({ where: { name: "页面创建" } });
    expect((await call(peopleLoader, `/api/v1/people?unit=${streetBCode}`, { token: shown.token })).status).toBe(200);
    const revoked = await settle(() =>
      tokensAction({ request: formRequest("/admin/tokens", { intent: "revoke", tokenId: String(row.id), reason: "停用" }, cookie), params: {}, context: {} }),
    );
    expect(revoked.status).toBe(200);
    expect((await call(peopleLoader, "/api/v1/people", { token: shown.token })).status).toBe(401);
    const twice = await settle(() =>
      tokensAction({ request: formRequest("/admin/tokens", { intent: "revoke", tokenId: String(row.id), reason: "停用" }, cookie), params: {}, context: {} }),
    );
    expect(twice.status).toBe(400);
    expect((await body(twice)).formError).toBe("api.tokens.alreadyRevoked");
  });

  it("refuse unknown tokens and malformed Authorization headers with 401", async () => {
    expect((await call(peopleLoader, "/api/v1/people", { token: "lat_" + "x".repeat(43) })).status).toBe(401);
    const malformed = await call(peopleLoader, "/api/v1/people", { authorization: "Basic dXNlcjpwYXNz" });
    expect(malformed.status).toBe(401);
    expect((await body(malformed)).error.code).toBe("api.errors.badAuthorization");
    // A token does not fall back to the session: a bad token with a good cookie is still refused.
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const both = await call(peopleLoader, "/api/v1/people", { token: "lat_nope", cookie: await sessionCookieFor(hr.id) });
    expect(both.status).toBe(401);
  });

  it("are read-only: anything but GET is 405 and writes nothing", async () => {
    const before = await db.person.count();
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await settle(() => peopleAction({ request: request("/api/v1/people", { token: tokenA }, { method }), params: {}, context: {} }));
      expect(response.status).toBe(405);
      expect(response.headers.get("Allow")).toBe("GET, HEAD");
      expect((await body(response)).error.code).toBe("api.errors.readOnly");
    }
    const viaGuard = await settle(() => appraisalsAction({ request: request("/api/v1/appraisals", { token: tokenA }, { method: "POST" }), params: {}, context: {} }));
    expect(viaGuard.status).toBe(405);
    expect(await db.person.count()).toBe(before);
    // The learner API's write refuses a token too, even with a learner's cookie alongside.
    const learner = await makeLearner(tree.streets[0].areaId);
    const cookie = await sessionCookieFor(learner.user!.id);
    for (const method of ["POST", "DELETE"]) {
      const enrol = await settle(() =>
        enrolmentsAction({ request: request("/api/v1/offerings/1/enrolments", { token: tokenA, cookie }, { method }), params: { offeringId: "1" }, context: {} }),
      );
      expect(enrol.status).toBe(405);
    }
    expect(await db.enrolment.count({ where: { personId: learner.person.id } })).toBe(0);
  });
});

describe("scope", () => {
  it("a street's token gets 403 for another street's person and unit, and lists only its own people", async () => {
    const other = await call(creditsLoader, `/api/v1/people/${personB.employeeNo}/credits?year=2026`, { token: tokenA }, { employeeNo: personB.employeeNo });
    expect(other.status).toBe(403);
    expect((await body(other)).error.code).toBe("api.errors.outOfScope");
    const own = await call(creditsLoader, `/api/v1/people/${personA.employeeNo}/credits?year=2026`, { token: tokenA }, { employeeNo: personA.employeeNo });
    expect(own.status).toBe(200);
    expect((await call(peopleLoader, `/api/v1/people?unit=${streetBCode}`, { token: tokenA })).status).toBe(403);
    expect((await call(appraisalsLoader, `/api/v1/appraisals?unit=${streetBCode}`, { token: tokenA })).status).toBe(403);
    expect((await call(ledgerLoader, `/api/v1/ledger?person=${personB.employeeNo}`, { token: tokenA })).status).toBe(403);
    const missing = await call(creditsLoader, "/api/v1/people/NOBODY/credits", { token: tokenA }, { employeeNo: "NOBODY" });
    expect(missing.status).toBe(404);

    const list = await body(await call(peopleLoader, "/api/v1/people?limit=500", { token: tokenA }));
    const numbers = list.data.map((p: { employeeNo: string }) => p.employeeNo);
    expect(numbers).toContain(personA.employeeNo);
    expect(numbers).not.toContain(personB.employeeNo);
    const streetAPaths = await db.person.count({ where: { unit: { path: { startsWith: tree.streets[0].path } } } });
    expect(numbers).toHaveLength(streetAPaths);
    // The district's token sees both streets.
    const district = await body(await call(peopleLoader, `/api/v1/people?unit=${streetBCode}&limit=500`, { token: tokenDistrict }));
    expect(district.data.map((p: { employeeNo: string }) => p.employeeNo)).toContain(personB.employeeNo);
  });

  it("ledger and appraisals without a filter carry only people in scope", async () => {
    for (const [person, amount] of [[personA, 300], [personB, 500]] as const) {
      await awardCredits(db, {
        personId: person.id, creditYear: 2026, amount, category: "online", sourceType: "import",
        sourceKey: `import:scope:${person.id}`, competencies: [{ competencyId: catalogue.competencyIds[0], amount }],
      });
      await db.appraisal.create({ data: { personId: person.id, year: 2025, rating: "pass" } });
    }
    const ledger = await body(await call(ledgerLoader, "/api/v1/ledger?year=2026&limit=500", { token: tokenA }));
    expect(ledger.data.length).toBeGreaterThan(0);
    expect(new Set(ledger.data.map((e: { employeeNo: string }) => e.employeeNo))).toEqual(new Set([personA.employeeNo]));
    const appraisals = await body(await call(appraisalsLoader, "/api/v1/appraisals?year=2025", { token: tokenA }));
    expect(appraisals.data.map((a: { employeeNo: string }) => a.employeeNo)).toEqual([personA.employeeNo]);
    expect(appraisals.data[0]).toMatchObject({ year: 2025, rating: "pass", unitCode: expect.any(String) });
  });

  it("an HR officer's session sees the same scope; learners get 403 and strangers 401", async () => {
    const hrA = await makeUser("hr", { scopeUnitId: tree.streets[0].id });
    const cookie = await sessionCookieFor(hrA.id);
    const own = await call(creditsLoader, `/api/v1/people/${personA.employeeNo}/credits`, { cookie }, { employeeNo: personA.employeeNo });
    expect(own.status).toBe(200);
    const other = await call(creditsLoader, `/api/v1/people/${personB.employeeNo}/credits`, { cookie }, { employeeNo: personB.employeeNo });
    expect(other.status).toBe(403);
    const learner = await makeLearner(tree.streets[0].areaId);
    const asLearner = await call(peopleLoader, "/api/v1/people", { cookie: await sessionCookieFor(learner.user!.id) });
    expect(asLearner.status).toBe(403);
    expect((await body(asLearner)).error.code).toBe("api.errors.forbidden");
    const anonymous = await call(peopleLoader, "/api/v1/people", {}, {}, "zh-CN");
    expect(anonymous.status).toBe(401);
    expect((await body(anonymous)).error.message).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("pagination", () => {
  it("walks more than one page without duplicates or gaps, stable while rows are added", async () => {
    const street = tree.streets[0];
    await makePeople(street.areaId, 11);
    const expected = (
      await db.person.findMany({ where: { unit: { path: { startsWith: street.path } } }, orderBy: { id: "asc" }, select: { employeeNo: true } })
    ).map((p) => p.employeeNo);
    expect(expected.length).toBeGreaterThan(8);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await body(await call(peopleLoader, `/api/v1/people?unit=${streetACode}&limit=4${cursor ? `&cursor=${cursor}` : ""}`, { token: tokenA }));
      expect(page.data.length).toBeLessThanOrEqual(4);
      seen.push(...page.data.map((p: { employeeNo: string }) => p.employeeNo));
      cursor = page.nextCursor;
      // Someone added mid-walk lands on a later page, not in a page already read.
      if (pages === 0) expected.push((await makePerson(street.areaId)).employeeNo);
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("query validation", () => {
  it("answers 400 with a translated message per bad parameter and reads nothing", async () => {
    const bad = await call(peopleLoader, "/api/v1/people?limit=0&active=maybe&unit=a%20b", { token: tokenA });
    expect(bad.status).toBe(400);
    const error = (await body(bad)).error;
    expect(error.code).toBe("errors.badRequest");
    expect(error.fields).toEqual({
      limit: "limit must be a whole number from 1 to 500",
      active: "Must be true or false",
      unit: "Malformed code",
    });
    const zh = await body(await call(creditsLoader, `/api/v1/people/${personA.employeeNo}/credits?year=19x`, { token: tokenA }, { employeeNo: personA.employeeNo }, "zh-CN"));
    expect(zh.error.fields.year).toBe("年份应为 2000 至 2100 之间的整数");
    const cursor = await body(await call(ledgerLoader, "/api/v1/ledger?cursor=not-a-cursor", { token: tokenA }));
    expect(cursor.error.fields).toEqual({ cursor: "Invalid page cursor: pass the nextCursor of the previous page" });
    expect((await call(appraisalsLoader, "/api/v1/appraisals?limit=501", { token: tokenA })).status).toBe(400);
    expect((await call(appraisalsLoader, "/api/v1/appraisals?year=2101", { token: tokenA })).status).toBe(400);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After and a translated error once the shared count is spent", async () => {
    const { token, row } = await createApiToken(admin.id, { name: "限流", scopeUnitId: tree.streets[0].id, reason: "测试" });
    const { limit, windowMs } = API_RATE_LIMITS.caller;
    // The count lives in the database: another instance has already spent all but one.
    await db.rateLimitBucket.create({ data: { key: `api:token:${row.id}`, windowStart: windowStartFor(new Date(), windowMs), count: limit - 1 } });
    const last = await call(peopleLoader, "/api/v1/people?limit=1", { token });
    expect(last.status).toBe(200);
    expect(last.headers.get("X-RateLimit-Remaining")).toBe("0");
    const refused = await call(peopleLoader, "/api/v1/people?limit=1", { token }, {}, "zh-CN");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowMs / 1000);
    const error = (await body(refused)).error;
    expect(error.code).toBe("api.errors.rateLimited");
    expect(error.message).toBe(`请求过于频繁，请在 ${retryAfter} 秒后重试`);
    // Other callers keep their own allowance.
    expect((await call(peopleLoader, "/api/v1/people?limit=1", { token: tokenA })).status).toBe(200);
  });

  it("a caller's first request of a window clears buckets of long-ended windows, and only those", async () => {
    await db.rateLimitBucket.create({ data: { key: "api:ip:203.0.113.9", windowStart: new Date("2026-01-01T00:00:00Z"), count: 3 } });
    const current = windowStartFor(new Date(), API_RATE_LIMITS.caller.windowMs);
    await db.rateLimitBucket.create({ data: { key: "api:ip:203.0.113.10", windowStart: current, count: 3 } });
    const { token } = await createApiToken(admin.id, { name: "清理", scopeUnitId: tree.streets[0].id, reason: "测试" });
    expect((await call(peopleLoader, "/api/v1/people?limit=1", { token })).status).toBe(200);
    expect(await db.rateLimitBucket.findUnique({ where: { key: "api:ip:203.0.113.9" } })).toBeNull();
    expect(await db.rateLimitBucket.findUnique({ where: { key: "api:ip:203.0.113.10" } })).not.toBeNull();
  });
});

describe("credit figures", () => {
  it("equal creditStatusForYear (caps, rollover, categories and competencies)", async () => {
    const person = (await makeLearner(tree.streets[0].areaId)).person;
    const [c1, c2] = catalogue.competencyIds;
    const award = (year: number, amount: number, category: "in_person" | "online" | "external", key: string, shares = [{ competencyId: c1, amount }]) =>
      awardCredits(db, { personId: person.id, creditYear: year, amount, category, sourceType: "import", sourceKey: `import:fig:${person.id}:${key}`, competencies: shares });
    await award(2025, 6600, "in_person", "prev");
    await award(2026, 2000, "in_person", "a", [{ competencyId: c1, amount: 1250 }, { competencyId: c2, amount: 750 }]);
    await award(2026, 3550, "online", "b");
    await award(2026, 125, "external", "c", [{ competencyId: c2, amount: 125 }]);
    const expected = await creditStatusForYear(db, person.id, 2026);
    const response = await call(creditsLoader, `/api/v1/people/${person.employeeNo}/credits?year=2026`, { token: tokenDistrict }, { employeeNo: person.employeeNo });
    expect(response.status).toBe(200);
    const got = await body(response);
    expect(got).toMatchObject({
      employeeNo: person.employeeNo,
      year: 2026,
      earned: expected.earned / 100,
      counted: expected.counted / 100,
      required: expected.required / 100,
      met: expected.met,
      rolloverIn: expected.rolloverIn / 100,
    });
    // Something interesting happened: a cap and a rollover, so counted ≠ earned.
    expect(expected.rolloverIn).toBeGreaterThan(0);
    expect(expected.counted).not.toBe(expected.earned);
    for (const [category, amount] of Object.entries(expected.byCategory)) expect(got.byCategory[category]).toBe(amount / 100);
    const competencies = await db.competency.findMany({ where: { id: { in: [c1, c2] } }, select: { id: true, code: true } });
    for (const c of competencies) {
      expect(got.byCompetency.find((row: { code: string }) => row.code === c.code)?.points).toBe((expected.byCompetency[c.id] ?? 0) / 100);
    }
    expect(got.reasons.map((r: { code: string }) => r.code)).toEqual(expected.reasons.map((r) => r.key));
  });
});
