// API rate limits, counted in the database (RateLimitBucket) so that every app instance
// behind a load balancer sees the same counts: a client cannot multiply its allowance by
// spreading requests over instances.
//
// Fixed windows: the window of a request is its time rounded down to a multiple of the
// window length, so every instance agrees on it without coordination. One row per key; the
// counter is bumped by ONE statement (INSERT … ON CONFLICT DO UPDATE … RETURNING), which both
// SQLite (writes serialised) and PostgreSQL (row lock taken by the conflicting insert) run
// atomically, so concurrent requests never lose or double a count. A read-then-write would.
import type { DbTx } from "~/utils/db.server";
import { db } from "~/utils/db.server";

export type RateLimitRule = { limit: number; windowMs: number };

const MINUTE = 60_000;

/**
 * Per signed-in caller (API token or HR session): HR systems page through a few thousand
 * people with limit ≤ 500, so 120 requests a minute is ample; a runaway loop is stopped.
 * Unauthenticated failures are counted per client address so token guessing costs time.
 */
export const API_RATE_LIMITS = {
  caller: { limit: 120, windowMs: MINUTE },
  failedAuth: { limit: 30, windowMs: MINUTE },
} satisfies Record<string, RateLimitRule>;

export type RateLimitResult = {
  allowed: boolean;
  limit: number;
  /** Requests left in this window (0 when refused). */
  remaining: number;
  /** This request's number in the window (1 for the first). */
  count: number;
  /** When the window ends. */
  resetAt: Date;
  /** Whole seconds until the window ends (at least 1): the Retry-After value. */
  retryAfterSeconds: number;
};

export function windowStartFor(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/**
 * Counts one request against `key` and says whether it is within the limit. A row from an
 * older window is reset to 1 by the same statement. A row from a NEWER window (an instance
 * whose clock runs behind) is counted in that newer window rather than thrown back.
 */
export async function hitRateLimit(
  key: string,
  rule: RateLimitRule,
  options: { now?: Date; client?: DbTx } = {},
): Promise<RateLimitResult> {
  const now = options.now ?? new Date();
  const client = options.client ?? db;
  const windowStart = windowStartFor(now, rule.windowMs);
  // Every SET expression reads the row as it was before the update, so both CASEs compare
  // the old window with this request's.
  const rows = await client.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "RateLimitBucket" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitBucket"."windowStart" < excluded."windowStart" THEN 1
                     ELSE "RateLimitBucket"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimitBucket"."windowStart" < excluded."windowStart" THEN excluded."windowStart"
                           ELSE "RateLimitBucket"."windowStart" END
    RETURNING "count"`;
  const count = Number(rows[0]?.count ?? 1);
  const resetAt = new Date(windowStart.getTime() + rule.windowMs);
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    count,
    resetAt,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
  };
}

/** The standard headers that tell a client where it stands (sent on every API answer). */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(Math.ceil(result.resetAt.getTime() / 1000)),
  };
  if (!result.allowed) headers["Retry-After"] = String(result.retryAfterSeconds);
  return headers;
}

/**
 * Buckets of windows that ended before `before`: they can only ever be reset, so deleting
 * them loses nothing. Keeps the table at about one row per active client.
 */
export async function pruneRateLimitBuckets(before: Date, client: DbTx = db): Promise<number> {
  const { count } = await client.rateLimitBucket.deleteMany({ where: { windowStart: { lt: before } } });
  return count;
}
