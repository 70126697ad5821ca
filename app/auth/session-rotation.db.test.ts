// Rotating SESSION_SECRET: the old secret listed in SESSION_SECRET_PREVIOUS keeps existing
// sessions working; without it, the old cookies are refused (nobody is signed in by a cookie
// the server can no longer verify).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getSessionUser } from "~/auth/session.server";
import { env, type Env } from "~/utils/env.server";
import { makeUser } from "../../tests/support/factories";
import { getRequest, sessionCookieFor } from "../../tests/support/requests";

const globalForEnv = globalThis as unknown as { __laneEnv?: Env };
// Read once the per-file test database is set up (tests/support/setup-db.ts), not at import.
let original: Env;
beforeEach(() => {
  original = env();
});
afterEach(() => {
  globalForEnv.__laneEnv = original;
});

function useSecrets(current: string, previous: string[]) {
  globalForEnv.__laneEnv = { ...original, SESSION_SECRET: current, SESSION_SECRET_PREVIOUS: previous };
}

describe("session secret rotation", () => {
  it("accepts cookies signed with a previous secret only while it is listed, and signs new ones with the current secret", async () => {
    const oldSecret = original.SESSION_SECRET;
    const newSecret = "n".repeat(40);
    const user = await makeUser("learner");
    const oldCookie = await sessionCookieFor(user.id);
    expect((await getSessionUser(getRequest("/", oldCookie)))?.id).toBe(user.id);

    useSecrets(newSecret, [oldSecret]);
    expect((await getSessionUser(getRequest("/", oldCookie)))?.id).toBe(user.id);
    const newCookie = await sessionCookieFor(user.id);
    expect((await getSessionUser(getRequest("/", newCookie)))?.id).toBe(user.id);

    useSecrets(newSecret, []);
    expect(await getSessionUser(getRequest("/", oldCookie))).toBeNull();
    expect((await getSessionUser(getRequest("/", newCookie)))?.id).toBe(user.id);

    // The previous secret verifies but never signs: back on the old one alone, the new cookie fails.
    useSecrets(oldSecret, []);
    expect(await getSessionUser(getRequest("/", newCookie))).toBeNull();
  });
});
