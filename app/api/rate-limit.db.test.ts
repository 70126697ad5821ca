// The shared rate limiter on both databases: exact counts under concurrency, counts shared
// by independent clients (as two app instances would be), fixed windows and their reset.
import { afterAll, describe, expect, it } from "vitest";
import { createDbClient, db, type Db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { hitRateLimit, pruneRateLimitBuckets, rateLimitHeaders, windowStartFor } from "./rate-limit.server";

const RULE = { limit: 5, windowMs: 60_000 };
const T0 = new Date("2026-05-01T02:00:10.000Z");
const others: Db[] = [];

afterAll(async () => {
  for (const client of others) await client.$disconnect();
});

describe("hitRateLimit", () => {
  it("allows the first N requests of a window and refuses the next with Retry-After", async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await hitRateLimit("t:sequence", RULE, { now: T0 }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results[4].remaining).toBe(0);
    // 10 s into a one-minute window: 50 s left.
    expect(results[5].retryAfterSeconds).toBe(50);
    expect(rateLimitHeaders(results[5])).toMatchObject({ "Retry-After": "50", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0" });
    expect(rateLimitHeaders(results[0])["Retry-After"]).toBeUndefined();
  });

  it("starts again at 1 in the next window, and a late instance's older window does not reset it", async () => {
    for (let i = 0; i < 6; i++) await hitRateLimit("t:window", RULE, { now: T0 });
    const next = await hitRateLimit("t:window", RULE, { now: new Date(T0.getTime() + 60_000) });
    expect(next).toMatchObject({ allowed: true, count: 1 });
    // An instance whose clock is behind still counts into the newer window.
    const late = await hitRateLimit("t:window", RULE, { now: T0 });
    expect(late.count).toBe(2);
    const row = await db.rateLimitBucket.findUniqueOrThrow({ where: { key: "t:window" } });
    expect(row.windowStart.getTime()).toBe(windowStartFor(new Date(T0.getTime() + 60_000), 60_000).getTime());
  });

  it("counts every one of many concurrent requests exactly once", async () => {
    const many = 40;
    const results = await Promise.all(Array.from({ length: many }, () => hitRateLimit("t:burst", RULE, { now: T0 })));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: many }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(RULE.limit);
    const row = await db.rateLimitBucket.findUniqueOrThrow({ where: { key: "t:burst" } });
    expect(row.count).toBe(many);
  });

  it("shares one count between independent database clients (two app instances)", async () => {
    const second = createDbClient(env().database, 4);
    others.push(second);
    const third = createDbClient(env().database, 4);
    others.push(third);
    const clients = [db, second, third];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => hitRateLimit("t:instances", RULE, { now: T0, client: clients[i % clients.length] })),
    );
    // Every count from 1 to 30 handed out once: nothing lost, nothing doubled, across clients.
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(RULE.limit);
    // Each instance sees the others' requests: its next request is refused too.
    expect((await hitRateLimit("t:instances", RULE, { now: T0, client: second })).allowed).toBe(false);
  });

  it("prunes only buckets of ended windows", async () => {
    await hitRateLimit("t:old", RULE, { now: new Date("2026-01-01T00:00:00Z") });
    await hitRateLimit("t:current", RULE, { now: T0 });
    await pruneRateLimitBuckets(windowStartFor(T0, RULE.windowMs));
    expect(await db.rateLimitBucket.findUnique({ where: { key: "t:old" } })).toBeNull();
    expect(await db.rateLimitBucket.findUnique({ where: { key: "t:current" } })).not.toBeNull();
  });
});
