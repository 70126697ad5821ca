// The sign-in form, sign-out, the language switch and the role homes, called as Remix calls
// them: real Requests, real session cookies, the real database.
import { beforeAll, describe, expect, it } from "vitest";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as localeAction } from "~/routes/locale";
import { loader as indexLoader } from "~/routes/_index";
import { loader as myLoader } from "~/routes/my._index";
import { loader as hrLoader } from "~/routes/hr._index";
import { loader as peopleLoader } from "~/routes/hr.people";
import { loader as healthLoader } from "~/routes/healthz";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser, TEST_PASSWORD } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

const args = (request: Request) => ({ request, params: {}, context: {} });
let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
  const person = await makePerson(tree.streets[0].areaId, { name: "张秀英" });
  await makePerson(tree.streets[1].areaId, { name: "李建国" });
  await makeUser("learner", { username: "secretary", personId: person.id });
  await makeUser("hr", { username: "street-hr", scopeUnitId: tree.streets[0].id });
});

describe("POST /login", () => {
  it("signs in with form fields username and password, starting a fresh session", async () => {
    const response = await settle(() =>
      loginAction(args(formRequest("/login", { username: "secretary", password: TEST_PASSWORD }))),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/my");
    const cookie = response.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^lane_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await settle(() => indexLoader(args(getRequest("/", cookie.split(";")[0]))));
    expect(home.headers.get("Location")).toBe("/my");
  });

  it("answers a wrong password with the generic message and no cookie", async () => {
    const response = await settle(() => loginAction(args(formRequest("/login", { username: "secretary", password: "nope" }))));
    expect(response.status).toBe(400);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await response.json()).toMatchObject({ formError: "login.wrongCredentials" });
  });

  it("validates the form on the server: missing fields get field errors", async () => {
    const response = await settle(() => loginAction(args(formRequest("/login", { username: "" }))));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      fieldErrors: { username: "errors.required", password: "errors.required" },
    });
  });

  it("only follows same-site redirects", async () => {
    const response = await settle(() =>
      loginAction(
        args(formRequest("/login", { username: "secretary", password: TEST_PASSWORD, redirectTo: "//evil.example/x" })),
      ),
    );
    expect(response.headers.get("Location")).toBe("/my");
  });
});

describe("sign-out and language", () => {
  it("POST /logout ends the session", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { username: "secretary" } });
    const cookie = await sessionCookieFor(user.id);
    const out = await settle(() => logoutAction(args(formRequest("/logout", {}, cookie))));
    expect(out.headers.get("Location")).toBe("/login");
    const after = await settle(() => myLoader(args(getRequest("/my", cookie))));
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toMatch(/^\/login/);
  });

  it("POST /locale remembers the language on the account and in a cookie", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { username: "secretary" } });
    const cookie = await sessionCookieFor(user.id);
    const response = await settle(() => localeAction(args(formRequest("/locale", { locale: "en", redirectTo: "/my" }, cookie))));
    expect(response.headers.get("Location")).toBe("/my");
    expect(response.headers.get("Set-Cookie")).toMatch(/^lane_locale=/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("en");
    const bad = await settle(() => localeAction(args(formRequest("/locale", { locale: "fr" }, cookie))));
    expect(bad.status).toBe(400);
  });
});

describe("role homes", () => {
  it("a learner sees only their own record on My learning, and is refused HR pages", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { username: "secretary" } });
    const cookie = await sessionCookieFor(user.id);
    const response = await settle(() => myLoader(args(getRequest("/my", cookie))));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.home.person.name).toBe("张秀英");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect((await settle(() => hrLoader(args(getRequest("/hr", cookie))))).status).toBe(403);
    expect((await settle(() => peopleLoader(args(getRequest("/hr/people", cookie))))).status).toBe(403);
  });

  it("street HR sees only its street's people", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { username: "street-hr" } });
    const cookie = await sessionCookieFor(user.id);
    const body = await (await settle(() => peopleLoader(args(getRequest("/hr/people", cookie))))).json();
    expect(body.people.map((p: { name: string }) => p.name)).toEqual(["张秀英"]);
    const search = await (await settle(() => peopleLoader(args(getRequest("/hr/people?q=李", cookie))))).json();
    expect(search.total).toBe(0);
  });
});

describe("GET /healthz", () => {
  it("reports the database dialect", async () => {
    const response = await settle(() => healthLoader());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      database: process.env.TEST_DIALECT === "postgresql" ? "postgresql" : "sqlite",
    });
  });
});
