// Sign-in throttling, kept in the database so every app instance sees the same counts.
//
// Two keys per attempt. Per account: after 5 failures within 15 minutes the account is
// locked for 1 minute, doubling with each further failure up to 15 minutes — enough to make
// guessing hopeless, short enough that nobody can lock a colleague out for long. Per client
// address: 50 failures within 15 minutes lock that address for 15 minutes, which stops one
// machine from spraying passwords across many accounts. A successful sign-in clears the
// account's count.
import { db } from "~/utils/db.server";

type Rule = { threshold: number; windowMs: number; baseLockMs: number; maxLockMs: number };

const MINUTE = 60_000;
export const THROTTLE_RULES = {
  account: { threshold: 5, windowMs: 15 * MINUTE, baseLockMs: 1 * MINUTE, maxLockMs: 15 * MINUTE },
  ip: { threshold: 50, windowMs: 15 * MINUTE, baseLockMs: 15 * MINUTE, maxLockMs: 15 * MINUTE },
} satisfies Record<string, Rule>;

export type ThrottleKey = { key: string; rule: Rule };

export function signInKeys(username: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `acct:${username.trim().toLowerCase()}`, rule: THROTTLE_RULES.account }];
  if (ip) keys.push({ key: `ip:${ip}`, rule: THROTTLE_RULES.ip });
  return keys;
}

/** The time until which any of the keys is locked, or null when sign-in may be tried. */
export async function lockedUntil(keys: ThrottleKey[], now = new Date()): Promise<Date | null> {
  const buckets = await db.throttleBucket.findMany({
    where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const times = buckets.map((b) => b.lockedUntil!.getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

export function lockDuration(rule: Rule, failures: number): number {
  if (failures < rule.threshold) return 0;
  return Math.min(rule.maxLockMs, rule.baseLockMs * 2 ** (failures - rule.threshold));
}

async function recordOne({ key, rule }: ThrottleKey, now: Date) {
  const existing = await db.throttleBucket.findUnique({ where: { key } });
  const fresh = !existing || now.getTime() - existing.windowStart.getTime() > rule.windowMs;
  const failures = fresh ? 1 : existing.failures + 1;
  const lock = lockDuration(rule, failures);
  const data = {
    failures,
    windowStart: fresh ? now : existing!.windowStart,
    lockedUntil: lock ? new Date(now.getTime() + lock) : null,
  };
  await db.throttleBucket.upsert({ where: { key }, create: { key, ...data }, update: data });
}

export async function recordFailure(keys: ThrottleKey[], now = new Date()) {
  for (const key of keys) {
    try {
      await recordOne(key, now);
    } catch {
      // Two instances creating the same bucket at once: the other one counted; one lost
      // count is harmless, a failed sign-in response is not.
    }
  }
}

export async function clearAccount(username: string) {
  await db.throttleBucket.deleteMany({ where: { key: `acct:${username.trim().toLowerCase()}` } });
}
