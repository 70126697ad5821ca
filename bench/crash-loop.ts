// The long crash loop: the real server on a fresh demo database (SQLite, then PostgreSQL) is
// killed with SIGKILL at a random moment during enrolment bursts, grading saves and the
// closing of a class, restarted and checked, CRASH_KILLS times (default 20) per database.
// What is checked is described in tests/crash/harness.ts; the short version (3 kills) runs in
// the test suite as tests/integration/crash-safety.db.test.ts.
//
//   node --import tsx bench/crash-loop.ts [sqlite|postgresql|all] [--kills N]
import {
  buildOnce,
  cleanupOnSignals,
  type Dialect,
  freePort,
  freshDatabase,
  isMain,
  note,
  postgresUnavailable,
  report,
  runCleanups,
  tempDir,
} from "./lib/common";
import { runCrashLoop, type CrashLoopOutcome } from "../tests/crash/harness";

export const DEFAULT_KILLS = 20;

export type CrashOutcome = { name: string; ok: boolean; skipped?: string; outcome?: CrashLoopOutcome };

export async function runCrashBench(dialect: Dialect, kills = Number(process.env.CRASH_KILLS ?? DEFAULT_KILLS)): Promise<CrashOutcome> {
  const name = `crash-loop/${dialect}`;
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      report({ bench: name, skipped: `PostgreSQL not reachable: ${why}` });
      return { name, ok: true, skipped: why };
    }
  }
  const dir = tempDir(`crash-${dialect}`);
  const database = await freshDatabase(dialect, dir);
  buildOnce();
  const started = Date.now();
  const outcome = await runCrashLoop({
    databaseUrl: database.url,
    port: await freePort(),
    dataDir: dir,
    sessionSecret: "lane-crash-loop-session-secret-0123456789",
    kills,
    log: (message) => note(`${name}: ${message}`),
  });
  report({
    bench: name,
    ok: outcome.ok,
    kills: outcome.kills,
    restarts: outcome.restarts,
    requestsSent: outcome.sent,
    acknowledged: outcome.acknowledged,
    acknowledgedByKind: outcome.acknowledgedByKind,
    refused: outcome.refused,
    refusals: outcome.refusals,
    serverErrors: outcome.serverErrors,
    inFlightAtKill: { min: Math.min(...outcome.inFlightAtKill), max: Math.max(...outcome.inFlightAtKill) },
    classClosed: outcome.classClosed,
    imports: outcome.imports,
    seconds: Math.round((Date.now() - started) / 1000),
    checks: Object.fromEntries(outcome.checks.map((c) => [c.name, c.ok ? "ok" : c.detail])),
  });
  return { name, ok: outcome.ok, outcome };
}

if (isMain(import.meta.url)) {
  cleanupOnSignals();
  const args = process.argv.slice(2);
  const which = args.find((a) => !a.startsWith("--")) ?? "all";
  const killsAt = args.indexOf("--kills");
  const kills = killsAt >= 0 ? Number(args[killsAt + 1]) : undefined;
  const dialects: Dialect[] = which === "all" ? ["sqlite", "postgresql"] : [which as Dialect];
  let ok = true;
  try {
    for (const dialect of dialects) ok = (await runCrashBench(dialect, kills)).ok && ok;
  } finally {
    await runCleanups();
  }
  process.exit(ok ? 0 : 1);
}
