import { beforeAll, describe, expect, it } from "vitest";
import { canAccessUnit, requireRole, requireUser, unitScopeWhere } from "~/auth/guards.server";
import { getSessionUser } from "~/auth/session.server";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser } from "../../tests/support/factories";
import { getRequest, sessionCookieFor, settle } from "../../tests/support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
  // A sibling whose id starts with the same digits must not leak into the subtree.
  for (let i = 0; i < 12; i++) {
    const unit = await db.unit.create({
      data: { code: `X${i}`, nameZh: "x", nameEn: "x", kind: "street", parentId: tree.district.id, path: "/" },
    });
    await db.unit.update({ where: { id: unit.id }, data: { path: `${tree.district.path}${unit.id}/` } });
    await makePerson(unit.id);
  }
  for (const street of tree.streets) await makePerson(street.areaId);
});

async function userFor(role: "learner" | "trainer" | "hr" | "admin", scopeUnitId?: number) {
  const user = await makeUser(role, { scopeUnitId });
  const cookie = await sessionCookieFor(user.id);
  return (await getSessionUser(getRequest("/", cookie)))!;
}

describe("unit scoping", () => {
  it("street HR sees exactly its street's people; district HR and admins see all", async () => {
    const street = tree.streets[0];
    const streetHr = await userFor("hr", street.id);
    const districtHr = await userFor("hr", tree.district.id);
    const admin = await userFor("admin");
    const count = (where: object) => db.person.count({ where: { unit: where } });
    const all = await db.person.count();
    expect(await count(unitScopeWhere(streetHr))).toBe(1);
    expect(await count(unitScopeWhere(districtHr))).toBe(all);
    expect(await count(unitScopeWhere(admin))).toBe(all);
    expect(canAccessUnit(streetHr, { path: street.areaPath })).toBe(true);
    expect(canAccessUnit(streetHr, { path: tree.streets[1].areaPath })).toBe(false);
  });

  it("learners and trainers are scoped to no units at all", async () => {
    for (const role of ["learner", "trainer"] as const) {
      const user = await userFor(role);
      expect(await db.person.count({ where: { unit: unitScopeWhere(user) } })).toBe(0);
      expect(canAccessUnit(user, { path: tree.district.path })).toBe(false);
    }
  });
});

describe("guards", () => {
  it("send anonymous page requests to sign-in with a way back, and API requests a 401", async () => {
    const page = await settle(() => requireUser(getRequest("/hr/people?q=王")));
    expect(page.status).toBe(302);
    const location = new URL(page.headers.get("Location")!, "http://x");
    expect(location.pathname).toBe("/login");
    expect(new URL(location.searchParams.get("redirectTo")!, "http://x").searchParams.get("q")).toBe("王");
    const api = await settle(() => requireUser(getRequest("/api/v1/people")));
    expect(api.status).toBe(401);
  });

  it("answer 403 to the wrong role", async () => {
    const learner = await makeUser("learner");
    const cookie = await sessionCookieFor(learner.id);
    expect((await settle(() => requireRole(getRequest("/hr", cookie), "hr", "admin"))).status).toBe(403);
    expect((await settle(() => requireRole(getRequest("/my", cookie), "learner"))).status).toBe(200);
  });

  it("hold an account with a pending password change at the change-password page", async () => {
    const user = await makeUser("hr", { scopeUnitId: tree.district.id });
    await db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    const cookie = await sessionCookieFor(user.id);
    const response = await settle(() => requireRole(getRequest("/hr", cookie), "hr"));
    expect(response.headers.get("Location")).toBe("/account/password");
  });
});
