// An API token reads with the authority of the administrator who created it: disabling that
// account, or taking away the role that could read the token's units, suspends the token at
// once (401 api.errors.tokenOwnerInactive, translated); restoring the account brings it back
// unless it was revoked meanwhile.
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken, listApiTokens, revokeApiToken } from "~/api/tokens.server";
import { changeRole, setAccountDisabled } from "~/auth/accounts.server";
import { loader as tokensLoader } from "~/routes/admin.tokens";
import { loader as peopleLoader } from "~/routes/api.v1.people";
import { db } from "~/utils/db.server";
import { makeLearner } from "../support/enrolment-fixtures";
import { makeUnitTree, makeUser } from "../support/factories";
import { BASE, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let operator: { id: number };

function people(token: string, language = "en") {
  const request = new Request(BASE + "/api/v1/people", { headers: { Authorization: `Bearer ${token}`, "Accept-Language": language } });
  return settle(() => peopleLoader({ request, params: {}, context: {} }));
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  tree = await makeUnitTree();
  // The administrator who disables and re-enables the token's creator.
  operator = await makeUser("admin");
  await makeLearner(tree.streets[0].areaId);
});

describe("a token whose creator is no longer active", () => {
  it("is refused while the creator is disabled, and works again once the account is enabled", async () => {
    const creator = await makeUser("admin");
    const { token, row } = await createApiToken(creator.id, { name: "区人事系统", scopeUnitId: tree.district.id, reason: "对接" });
    expect((await people(token)).status).toBe(200);
    const usedAt = (await db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt;

    await setAccountDisabled(operator.id, creator.id, true, "离职");
    const en = await people(token);
    expect(en.status).toBe(401);
    expect(en.headers.get("WWW-Authenticate")).toContain("Bearer");
    const enError = await errorOf(en);
    expect(enError.code).toBe("api.errors.tokenOwnerInactive");
    expect(enError.message).toMatch(/^The account that created this API token is disabled/);
    const zh = await errorOf(await people(token, "zh-CN"));
    expect(zh.code).toBe("api.errors.tokenOwnerInactive");
    expect(zh.message).toMatch(/[\u4e00-\u9fff]/);
    // A refused token is not marked as used, and the token row itself is untouched.
    const suspended = await db.apiToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(suspended.lastUsedAt?.getTime()).toBe(usedAt?.getTime());
    expect(suspended.revokedAt).toBeNull();
    // The administrators' list says why it does not work.
    expect((await listApiTokens()).find((t) => t.id === row.id)).toMatchObject({ ownerActive: false, revokedAt: null });

    await setAccountDisabled(operator.id, creator.id, false, "复职");
    expect((await people(token)).status).toBe(200);
    expect((await listApiTokens()).find((t) => t.id === row.id)).toMatchObject({ ownerActive: true });
  });

  it("stays refused after re-enabling when it was revoked meanwhile", async () => {
    const creator = await makeUser("admin");
    const { token, row } = await createApiToken(creator.id, { name: "临时对接", scopeUnitId: tree.streets[0].id, reason: "对接" });
    await setAccountDisabled(operator.id, creator.id, true, "离职");
    await revokeApiToken(operator.id, row.id, "创建者离职");
    await setAccountDisabled(operator.id, creator.id, false, "复职");
    const refused = await people(token);
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("api.errors.tokenInvalid");
  });

  it("follows the creator's role: an administrator moved to HR keeps only the tokens within the new scope", async () => {
    const creator = await makeUser("admin");
    const district = (await createApiToken(creator.id, { name: "全区", scopeUnitId: tree.district.id, reason: "对接" })).token;
    const street = (await createApiToken(creator.id, { name: "甲街道", scopeUnitId: tree.streets[0].id, reason: "对接" })).token;
    await changeRole(operator.id, creator.id, { role: "hr", scopeUnitId: tree.streets[0].id }, "调岗");
    const wide = await people(district);
    expect(wide.status).toBe(401);
    expect((await errorOf(wide)).code).toBe("api.errors.tokenOwnerInactive");
    expect((await people(street)).status).toBe(200);

    // A role that reads no units at all (here: learner) suspends every token it created.
    await changeRole(operator.id, creator.id, { role: "learner" }, "不再从事人事工作");
    expect((await errorOf(await people(street))).code).toBe("api.errors.tokenOwnerInactive");
    await changeRole(operator.id, creator.id, { role: "admin" }, "恢复");
    expect((await people(district)).status).toBe(200);
    expect((await people(street)).status).toBe(200);
  });

  it("shows a suspended token as such on the administrators' page", async () => {
    const creator = await makeUser("admin");
    const { row } = await createApiToken(creator.id, { name: "将暂停", scopeUnitId: tree.district.id, reason: "对接" });
    await setAccountDisabled(operator.id, creator.id, true, "离职");
    const response = await settle(() => tokensLoader({ request: getRequest("/admin/tokens", undefined), params: {}, context: {} }));
    expect(response.status).toBe(302);
    const cookie = await sessionCookieFor(operator.id);
    const page = await settle(() => tokensLoader({ request: getRequest("/admin/tokens", cookie), params: {}, context: {} }));
    const { tokens } = (await page.json()) as { tokens: { id: number; ownerActive: boolean }[] };
    expect(tokens.find((t) => t.id === row.id)?.ownerActive).toBe(false);
  });
});
