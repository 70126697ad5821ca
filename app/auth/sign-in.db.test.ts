import { beforeAll, describe, expect, it } from "vitest";
import { signIn } from "~/auth/sign-in.server";
import { THROTTLE_RULES } from "~/auth/throttle.server";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser, TEST_PASSWORD } from "../../tests/support/factories";

let learnerId: number;

beforeAll(async () => {
  const tree = await makeUnitTree();
  const person = await makePerson(tree.streets[0].areaId, { employeeNo: "CN7001" });
  learnerId = (await makeUser("learner", { username: "wang.fang", email: "wang@example.org", personId: person.id })).id;
  await makeUser("learner", { username: "disabled.user", disabled: true });
});

describe("signIn", () => {
  it("accepts the account name, the email or the employee number", async () => {
    for (const login of ["wang.fang", "WANG.FANG", "wang@example.org", "CN7001", "cn7001"]) {
      const result = await signIn({ username: login, password: TEST_PASSWORD, ip: "10.0.0.1" });
      expect(result, login).toEqual({ ok: true, user: { id: learnerId, role: "learner", mustChangePassword: false } });
    }
  });

  it("gives the same answer for an unknown account, a wrong password and a disabled account", async () => {
    const unknown = await signIn({ username: "nobody", password: TEST_PASSWORD, ip: "10.0.0.2" });
    const wrong = await signIn({ username: "wang.fang", password: "wrong password", ip: "10.0.0.2" });
    const disabled = await signIn({ username: "disabled.user", password: TEST_PASSWORD, ip: "10.0.0.2" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
    expect(wrong).toEqual(unknown);
    expect(disabled).toEqual(unknown);
  });

  it("locks an account after repeated failures, briefly, and even the right password waits", async () => {
    await makeUser("learner", { username: "target" });
    for (let i = 0; i < THROTTLE_RULES.account.threshold; i++) {
      await signIn({ username: "target", password: "guess" + i, ip: `10.1.0.${i}` });
    }
    const locked = await signIn({ username: "target", password: TEST_PASSWORD, ip: "10.9.9.9" });
    expect(locked.ok).toBe(false);
    if (locked.ok || locked.reason !== "throttled") throw new Error("expected a throttled answer");
    expect(locked.retryAfterMs).toBeGreaterThan(0);
    expect(locked.retryAfterMs).toBeLessThanOrEqual(THROTTLE_RULES.account.maxLockMs);

    // When the lock runs out, the right password works and clears the count.
    await db.throttleBucket.update({ where: { key: "acct:target" }, data: { lockedUntil: new Date(Date.now() - 1) } });
    const after = await signIn({ username: "target", password: TEST_PASSWORD, ip: "10.9.9.9" });
    expect(after.ok).toBe(true);
    expect(await db.throttleBucket.findUnique({ where: { key: "acct:target" } })).toBeNull();
  });

  it("locks a client address that sprays many accounts", async () => {
    const ip = "10.77.0.1";
    await db.throttleBucket.create({
      data: { key: `ip:${ip}`, failures: THROTTLE_RULES.ip.threshold - 1, windowStart: new Date() },
    });
    await signIn({ username: "someone-else", password: "x", ip });
    const result = await signIn({ username: "wang.fang", password: TEST_PASSWORD, ip });
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    // Another address is not affected.
    expect((await signIn({ username: "wang.fang", password: TEST_PASSWORD, ip: "10.77.0.2" })).ok).toBe(true);
  });
});
