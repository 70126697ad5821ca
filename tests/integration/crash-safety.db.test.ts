// The short crash test: the real server on this file's database (SQLite, then PostgreSQL) is
// killed with SIGKILL three times at random moments during enrolment bursts, grading saves,
// credit adjustments and the closing of a class, restarted each time, and checked (see
// tests/crash/harness.ts). The long loop (20+ kills) is bench/crash-loop.ts in `npm run bench`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../app/utils/db.server";
import { ensureBuild, Ledger, openInspector, runCrashLoop, summaryMismatches, verify } from "../crash/harness";

const dialect = process.env.TEST_DIALECT === "postgresql" ? "postgresql" : "sqlite";
// Ports of the crash tests (one per dialect: the two projects may run at the same time).
const PORT = Number(process.env.CRASH_TEST_PORT ?? (dialect === "sqlite" ? 3271 : 3272));
const dir = mkdtempSync(path.join(os.tmpdir(), `lane-crash-${dialect}-`));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`crash safety (${dialect})`, () => {
  it("survives three SIGKILLs during writes: integrity, acknowledged writes and invariants hold", { timeout: 600_000 }, async () => {
    await ensureBuild();
    const outcome = await runCrashLoop({
      databaseUrl: process.env.DATABASE_URL!,
      port: PORT,
      dataDir: dir,
      sessionSecret: process.env.SESSION_SECRET!,
      kills: 3,
      killWindowMs: [0, 1500],
      learners: 30,
    });
    const failed = outcome.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
    expect(outcome.kills).toBe(3);
    expect(outcome.restarts).toBe(3);
    expect(outcome.serverErrors).toBe(0);
    // The kills must land on real work, or the test proves nothing.
    expect(outcome.acknowledged).toBeGreaterThan(10);
    expect(Math.max(...outcome.inFlightAtKill)).toBeGreaterThan(0);
    expect(outcome.checks.length).toBeGreaterThanOrEqual(8);
    expect(outcome.ok).toBe(true);
  });

  it("the checks catch a lost acknowledged write and a summary that drifted from the ledger", async () => {
    const inspector = await openInspector(process.env.DATABASE_URL!);
    try {
      // An enrolment that was acknowledged but is not in the database.
      const ledger = new Ledger();
      ledger.enrolments.set("999999:999999", [{ seq: 1, acked: true, kind: "enrol", enrolmentId: 999999 }]);
      const work = { learners: [], offerings: [], markers: [], projects: [], criteria: [], closable: null, adjust: null, imports: null };
      const lost = (await verify(inspector, ledger, work)).find((c) => c.name === "acknowledged enrolments and withdrawals present");
      expect(lost?.ok).toBe(false);

      // A summary row changed behind the triggers' back.
      const [row] = await db.creditSummary.findMany({ take: 1, select: { personId: true, creditYear: true, category: true, amount: true } });
      expect(row).toBeDefined();
      const where = { personId_creditYear_category: { personId: row.personId, creditYear: row.creditYear, category: row.category } };
      await db.creditSummary.update({ where, data: { amount: row.amount + 1 } });
      expect((await summaryMismatches(inspector)).length).toBe(1);
      await db.creditSummary.update({ where, data: { amount: row.amount } });
      expect(await summaryMismatches(inspector)).toEqual([]);
    } finally {
      await inspector.close();
    }
  });
});
