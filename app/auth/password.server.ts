import bcrypt from "bcryptjs";
import { env } from "~/utils/env.server";

/**
 * bcrypt cost from BCRYPT_COST (default 12, ~0.3 s here: see docs/security.md); tests use a
 * low cost through the same setting.
 */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, env().BCRYPT_COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * Compares against a throwaway hash of the same cost, so a wrong username costs the same
 * time as a wrong password and the timing does not reveal which accounts exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= bcrypt.hash("not-a-real-password", env().BCRYPT_COST);
  await bcrypt.compare(password, await dummyHash);
  return false;
}
