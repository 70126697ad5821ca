// The learner endpoints' refusals (the session guards answering API requests): the same shape
// as the HR endpoints' — a stable code (the message key) and a message in the caller's
// language (Accept-Language, else the locale cookie, else the account's language) — with the
// status codes unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { localeCookie } from "~/i18n/i18n.server";
import { loader as creditsLoader } from "~/routes/api.v1.me.credits";
import { loader as offeringsLoader } from "~/routes/api.v1.offerings";
import { action as enrolmentsAction, loader as enrolmentsLoader } from "~/routes/api.v1.offerings.$offeringId.enrolments";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeLearner } from "../support/enrolment-fixtures";
import { BASE, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
});

function request(path: string, headers: Record<string, string>, method = "GET") {
  return new Request(BASE + path, { method, headers });
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

const CHINESE = /[\u4e00-\u9fff]/;

describe("learner API refusals", () => {
  it("401 without a session: a stable code, the message in Accept-Language's language", async () => {
    const en = await settle(() => offeringsLoader({ request: request("/api/v1/offerings", { "Accept-Language": "en-GB,en;q=0.8" }), params: {}, context: {} }));
    expect(en.status).toBe(401);
    expect(en.headers.get("Cache-Control")).toBe("no-store");
    const enError = await errorOf(en);
    expect(enError.code).toBe("api.errors.sessionRequired");
    expect(enError.message).toMatch(/^Sign in first/);

    const zh = await settle(() => creditsLoader({ request: request("/api/v1/me/credits", { "Accept-Language": "zh-CN" }), params: {}, context: {} }));
    expect(zh.status).toBe(401);
    const zhError = await errorOf(zh);
    expect(zhError.code).toBe("api.errors.sessionRequired");
    expect(zhError.message).toMatch(CHINESE);

    // No Accept-Language: the locale cookie decides, as on the pages; without it, Chinese.
    const localeEn = (await localeCookie.serialize("en")).split(";")[0];
    const cookie = await settle(() => offeringsLoader({ request: request("/api/v1/offerings", { Cookie: localeEn }), params: {}, context: {} }));
    expect((await errorOf(cookie)).message).toMatch(/^Sign in first/);
    const plain = await settle(() => offeringsLoader({ request: request("/api/v1/offerings", {}), params: {}, context: {} }));
    expect((await errorOf(plain)).message).toMatch(CHINESE);

    const post = await settle(() =>
      enrolmentsAction({ request: request("/api/v1/offerings/1/enrolments", { "Accept-Language": "en" }, "POST"), params: { offeringId: "1" }, context: {} }),
    );
    expect(post.status).toBe(401);
    expect((await errorOf(post)).code).toBe("api.errors.sessionRequired");
  });

  it("403 for a role the endpoint is not for, in the account's language when the client names none", async () => {
    const hr = await makeUser("hr", { scopeUnitId: tree.district.id });
    const cookie = await sessionCookieFor(hr.id);
    const en = await settle(() => creditsLoader({ request: request("/api/v1/me/credits", { Cookie: cookie, "Accept-Language": "en" }), params: {}, context: {} }));
    expect(en.status).toBe(403);
    const enError = await errorOf(en);
    expect(enError).toMatchObject({ code: "api.errors.forbidden", message: "Your role may not use this endpoint" });

    await db.user.update({ where: { id: hr.id }, data: { locale: "en" } });
    const fromAccount = await settle(() => creditsLoader({ request: request("/api/v1/me/credits", { Cookie: cookie }), params: {}, context: {} }));
    expect((await errorOf(fromAccount)).message).toBe("Your role may not use this endpoint");

    const zh = await settle(() =>
      enrolmentsAction({
        request: request("/api/v1/offerings/1/enrolments", { Cookie: cookie, "Accept-Language": "zh-CN" }, "POST"),
        params: { offeringId: "1" },
        context: {},
      }),
    );
    expect(zh.status).toBe(403);
    const zhError = await errorOf(zh);
    expect(zhError.code).toBe("api.errors.forbidden");
    expect(zhError.message).toMatch(CHINESE);
    expect(await db.enrolment.count({ where: { offeringId: 1 } })).toBe(0);
  });

  it("403 until a reset password is changed", async () => {
    const learner = await makeLearner(tree.streets[0].areaId);
    await db.user.update({ where: { id: learner.user!.id }, data: { mustChangePassword: true } });
    const cookie = await sessionCookieFor(learner.user!.id);
    const response = await settle(() => offeringsLoader({ request: request("/api/v1/offerings", { Cookie: cookie, "Accept-Language": "en" }), params: {}, context: {} }));
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: "api.errors.passwordChangeRequired", message: "Change your password first" });
  });

  it("a learner account without a person record, and a wrong method, are translated too", async () => {
    const bare = await makeUser("learner");
    const cookie = await sessionCookieFor(bare.id);
    const noPerson = await settle(() => creditsLoader({ request: request("/api/v1/me/credits", { Cookie: cookie, "Accept-Language": "zh" }), params: {}, context: {} }));
    expect(noPerson.status).toBe(404);
    const noPersonError = await errorOf(noPerson);
    expect(noPersonError.code).toBe("api.errors.noPerson");
    expect(noPersonError.message).toMatch(CHINESE);

    const get = await settle(() => enrolmentsLoader({ request: request("/api/v1/offerings/1/enrolments", { "Accept-Language": "en" }), params: { offeringId: "1" }, context: {} }));
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST, DELETE");
    expect(await errorOf(get)).toMatchObject({ code: "api.errors.methodNotAllowed", message: "Method not allowed: use POST, DELETE" });
  });
});
