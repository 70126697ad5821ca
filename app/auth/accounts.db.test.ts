import { beforeAll, describe, expect, it } from "vitest";
import {
  AccountError,
  changeOwnPassword,
  changeRole,
  createAccount,
  resetPassword,
  setAccountDisabled,
} from "~/auth/accounts.server";
import { getSessionUser } from "~/auth/session.server";
import { signIn } from "~/auth/sign-in.server";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser, TEST_PASSWORD } from "../../tests/support/factories";
import { getRequest, sessionCookieFor } from "../../tests/support/requests";

let adminId: number;
let tree: Awaited<ReturnType<typeof makeUnitTree>>;

beforeAll(async () => {
  tree = await makeUnitTree();
  adminId = (await makeUser("admin", { username: "root-admin" })).id;
});

async function sessionAlive(cookie: string) {
  return (await getSessionUser(getRequest("/my", cookie))) !== null;
}

describe("accounts", () => {
  it("creates an account with a one-time password that must be changed, and audits it", async () => {
    const person = await makePerson(tree.streets[0].areaId, { employeeNo: "CN8001" });
    const { user, password } = await createAccount(
      adminId,
      { username: "Li.Na", displayName: "李娜", role: "learner", employeeNo: "CN8001" },
      "new secretary",
    );
    expect(user.username).toBe("li.na");
    expect(user.personId).toBe(person.id);
    const result = await signIn({ username: "li.na", password, ip: null });
    expect(result).toMatchObject({ ok: true, user: { mustChangePassword: true } });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "user.created", entityId: String(user.id) } });
    expect(audit.actorId).toBe(adminId);
    expect(audit.reason).toBe("new secretary");
    expect(JSON.parse(audit.after!)).toMatchObject({ username: "li.na", role: "learner" });
  });

  it("refuses a taken name, an unknown employee number and HR without a scope, writing nothing", async () => {
    const before = await db.user.count();
    const attempts: [Parameters<typeof createAccount>[1], string][] = [
      [{ username: "root-admin", displayName: "x", role: "learner" }, "users.usernameTaken"],
      [{ username: "ghost", displayName: "x", role: "learner", employeeNo: "NOPE" }, "users.personNotFound"],
      [{ username: "hr-x", displayName: "x", role: "hr" }, "users.scopeRequired"],
    ];
    for (const [fields, key] of attempts) {
      await expect(createAccount(adminId, fields, "r")).rejects.toMatchObject({ messageKey: key });
    }
    expect(await db.user.count()).toBe(before);
  });

  it("a reset ends every session and forces a new password at next sign-in", async () => {
    const user = await makeUser("learner");
    const cookie = await sessionCookieFor(user.id);
    expect(await sessionAlive(cookie)).toBe(true);
    const { password } = await resetPassword(adminId, user.id, "forgot it");
    expect(await sessionAlive(cookie)).toBe(false);
    expect(await signIn({ username: user.username, password: TEST_PASSWORD, ip: null })).toMatchObject({ ok: false });
    expect(await signIn({ username: user.username, password, ip: null })).toMatchObject({
      ok: true,
      user: { mustChangePassword: true },
    });
  });

  it("changing one's password keeps this session, ends the others, and clears the forced change", async () => {
    const user = await makeUser("learner");
    await db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    const here = await sessionCookieFor(user.id);
    const elsewhere = await sessionCookieFor(user.id);
    const current = (await getSessionUser(getRequest("/", here)))!;
    await expect(
      changeOwnPassword({ userId: user.id, sessionId: current.sessionId, currentPassword: "wrong", newPassword: "a-new-password" }),
    ).rejects.toBeInstanceOf(AccountError);
    await changeOwnPassword({
      userId: user.id,
      sessionId: current.sessionId,
      currentPassword: TEST_PASSWORD,
      newPassword: "a-new-password",
    });
    expect(await sessionAlive(here)).toBe(true);
    expect(await sessionAlive(elsewhere)).toBe(false);
    const reloaded = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(reloaded.mustChangePassword).toBe(false);
    expect((await signIn({ username: user.username, password: "a-new-password", ip: null })).ok).toBe(true);
  });

  it("disabling an account ends its sessions and sign-in; enabling restores sign-in", async () => {
    const user = await makeUser("trainer");
    const cookie = await sessionCookieFor(user.id);
    await setAccountDisabled(adminId, user.id, true, "left the district");
    expect(await sessionAlive(cookie)).toBe(false);
    expect((await signIn({ username: user.username, password: TEST_PASSWORD, ip: null })).ok).toBe(false);
    await setAccountDisabled(adminId, user.id, false, "came back");
    expect((await signIn({ username: user.username, password: TEST_PASSWORD, ip: null })).ok).toBe(true);
    const actions = await db.auditEvent.findMany({ where: { entityId: String(user.id) }, orderBy: { id: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["user.disabled", "user.enabled"]);
  });

  it("a role change is audited with before and after, and revokes sessions", async () => {
    const user = await makeUser("learner");
    const cookie = await sessionCookieFor(user.id);
    await changeRole(adminId, user.id, { role: "hr", scopeUnitId: tree.streets[1].id }, "appointed street HR");
    expect(await sessionAlive(cookie)).toBe(false);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "user.role_changed", entityId: String(user.id) } });
    expect(JSON.parse(audit.before!)).toEqual({ role: "learner", scopeUnitId: null });
    expect(JSON.parse(audit.after!)).toEqual({ role: "hr", scopeUnitId: tree.streets[1].id });
    await expect(changeRole(adminId, adminId, { role: "learner" }, "oops")).rejects.toMatchObject({
      messageKey: "users.cannotChangeSelf",
    });
  });

  it("the audit log cannot be edited or deleted", async () => {
    const event = await db.auditEvent.findFirstOrThrow();
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "reason" = 'forged' WHERE "id" = ${event.id}`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = ${event.id}`)).rejects.toThrow(/append-only/);
  });
});
