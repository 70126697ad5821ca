// Signing in: one generic answer for every kind of wrong (unknown account, wrong password,
// disabled account), throttled per account and per client address.
import { burnPasswordCheck, verifyPassword } from "~/auth/password.server";
import { clearAccount, lockedUntil, recordFailure, signInKeys } from "~/auth/throttle.server";
import { isRole, type Role } from "~/auth/roles";
import { db } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";

export type SignInResult =
  | { ok: true; user: { id: number; role: Role; mustChangePassword: boolean } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

/** An account is found by its name, its email, or its person's employee number. */
async function findAccount(login: string) {
  const select = {
    id: true,
    role: true,
    passwordHash: true,
    disabledAt: true,
    mustChangePassword: true,
  } as const;
  const lowered = login.toLowerCase();
  return (
    (await db.user.findUnique({ where: { username: login }, select })) ??
    (lowered !== login ? await db.user.findUnique({ where: { username: lowered }, select }) : null) ??
    (await db.user.findUnique({ where: { email: lowered }, select })) ??
    (await db.user.findFirst({ where: { person: { employeeNo: login.toUpperCase() } }, select }))
  );
}

export async function signIn(input: { username: string; password: string; ip: string | null }): Promise<SignInResult> {
  const login = input.username.trim();
  const keys = signInKeys(login, input.ip);
  const now = new Date();
  const until = await lockedUntil(keys, now);
  if (until) return { ok: false, reason: "throttled", retryAfterMs: until.getTime() - now.getTime() };

  const account = await findAccount(login);
  const passwordOk = account
    ? await verifyPassword(input.password, account.passwordHash)
    : await burnPasswordCheck(input.password);
  if (!account || !passwordOk || account.disabledAt || !isRole(account.role)) {
    await recordFailure(keys, now);
    logger.info({ login: login.slice(0, 64), known: Boolean(account) }, "sign-in refused");
    return { ok: false, reason: "invalid" };
  }
  await clearAccount(login);
  await db.user.update({ where: { id: account.id }, data: { lastLoginAt: now } });
  logger.info({ userId: account.id }, "signed in");
  return { ok: true, user: { id: account.id, role: account.role, mustChangePassword: account.mustChangePassword } };
}
