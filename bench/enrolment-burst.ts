// 1,000 learners press "enrol" on one 40-seat class at the same moment, through the JSON API
// (POST /api/v1/offerings/:id/enrolments) of the real server: one instance on SQLite, two
// instances behind an alternating (round-robin) client on one PostgreSQL database.
// Afterwards the database must show exactly 40 enrolled and 960 waiting, numbered 1..960 in
// arrival order, one row per person, seatsTaken = 40, and no request may have failed (5xx).
// The baseline, measured just before on the same instances and the same connection setup,
// is a burst of as many GET /healthz (a minimal route that also asks the database).
//
//   node --import tsx bench/enrolment-burst.ts [sqlite|postgresql|all]
import { readFileSync } from "node:fs";
import path from "node:path";
import { burst, type BurstResult } from "./lib/burst";
import {
  BENCH_SESSION_SECRET,
  buildOnce,
  cleanupOnSignals,
  type Dialect,
  freshDatabase,
  isMain,
  median,
  note,
  percentile,
  pgDatabaseStats,
  type PgDatabaseStats,
  postgresUnavailable,
  report,
  round,
  runCleanups,
  runScript,
  serverErrors,
  startInstance,
  tempDir,
  type Instance,
} from "./lib/common";
import type { SetupResult, VerifyResult } from "./enrolment-db";

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 1000);
const CAPACITY = Number(process.env.BENCH_CAPACITY ?? 40);
/** Sockets per instance; unlimited by default, so all requests are really in flight at once. */
const MAX_SOCKETS = process.env.BENCH_BURST_SOCKETS ? Number(process.env.BENCH_BURST_SOCKETS) : Infinity;

export type BurstOutcome = { name: string; ok: boolean; skipped?: string; summary: Record<string, unknown> };

type Answer = { enrolmentId?: number; state?: string; waitlistPosition?: number | null; alreadyEnrolled?: boolean };

function latencySummary(results: BurstResult[], wallMs: number) {
  const ms = results.map((r) => r.ms);
  return {
    requests: results.length,
    wallMs: round(wallMs),
    throughputRps: round((results.length / wallMs) * 1000),
    p50Ms: round(median(ms)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(Math.max(...ms)),
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Every check the issue asks for; each is true or false, `ok` is all of them. */
function checkInvariants(setup: SetupResult, results: BurstResult[], answers: Answer[], db: VerifyResult, instanceCount: number) {
  const rows = db.rows;
  const enrolled = rows.filter((r) => r.status === "enrolled");
  const waiting = rows.filter((r) => r.status === "waitlisted").sort((a, b) => a.waitlistNo! - b.waitlistNo!);
  const waitlisted = LEARNERS - CAPACITY;

  // Which instance answered each person (requests alternate), to tell apart inversions
  // between instances from inversions inside one.
  const instanceOf = new Map(setup.personIds.map((personId, i) => [personId, i % instanceCount]));
  // Arrival order: requestedAt (stamped when the request reached enrol()) must not go
  // backwards along the waiting list. Also reported: waiting learners who asked before the
  // last learner who got a seat.
  let orderInversions = 0;
  let sameInstanceInversions = 0;
  let worstInversionMs = 0;
  for (let i = 1; i < waiting.length; i++) {
    const back = Date.parse(waiting[i - 1].requestedAt) - Date.parse(waiting[i].requestedAt);
    if (back > 0) {
      orderInversions++;
      if (instanceOf.get(waiting[i - 1].personId) === instanceOf.get(waiting[i].personId)) sameInstanceInversions++;
      worstInversionMs = Math.max(worstInversionMs, back);
    }
  }
  const lastSeated = Math.max(...enrolled.map((r) => Date.parse(r.requestedAt)));
  const askedBeforeLastSeated = waiting.filter((r) => Date.parse(r.requestedAt) < lastSeated).length;

  const byId = new Map(rows.map((r) => [r.id, r]));
  const answersMatchDb = answers.every((a, i) => {
    const row = a.enrolmentId === undefined ? undefined : byId.get(a.enrolmentId);
    return !!row && row.personId === setup.personIds[i] && row.status === a.state &&
      (a.state !== "waitlisted" || a.waitlistPosition === row.waitlistNo);
  });

  const checks = {
    zero5xx: results.every((r) => r.status < 500 && r.status !== 0),
    all201: results.every((r) => r.status === 201),
    exactlyCapacityEnrolled: enrolled.length === CAPACITY,
    restWaitlisted: waiting.length === waitlisted,
    noOtherStatus: rows.length === enrolled.length + waiting.length,
    onePerPerson: rows.length === LEARNERS && new Set(rows.map((r) => r.personId)).size === LEARNERS,
    waitlistNumbers1toN: waiting.every((r, i) => r.waitlistNo === i + 1),
    seatedHaveNoNumber: enrolled.every((r) => r.waitlistNo === null),
    waitlistInArrivalOrder: orderInversions === 0,
    seatsTakenMatches: db.offering.seatsTaken === CAPACITY && db.offering.waitlistSeq === waitlisted,
    answersMatchDb,
  };
  return {
    checks,
    ok: Object.values(checks).every(Boolean),
    counts: {
      enrolled: enrolled.length,
      waitlisted: waiting.length,
      rows: rows.length,
      seatsTaken: db.offering.seatsTaken,
      waitlistSeq: db.offering.waitlistSeq,
      notifications: db.notifications,
    },
    arrival: {
      orderInversions,
      sameInstanceInversions,
      worstInversionMs,
      waitingWhoAskedBeforeTheLastSeated: askedBeforeLastSeated,
    },
  };
}

export async function runEnrolmentBurst(dialect: Dialect): Promise<BurstOutcome> {
  const name = `enrolment-burst/${dialect}`;
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      report({ bench: name, skipped: `PostgreSQL not reachable: ${why}` });
      return { name, ok: true, skipped: why, summary: {} };
    }
  }
  try {
    const dir = tempDir(`burst-${dialect}`);
    const database = await freshDatabase(dialect, dir);
    const setupFile = path.join(dir, "setup.json");
    note(`${name}: creating ${LEARNERS} learners and a ${CAPACITY}-seat class`);
    const dbEnv = { DATABASE_URL: database.url, SESSION_SECRET: BENCH_SESSION_SECRET };
    await runScript("enrolment-db.ts", ["setup", setupFile, String(LEARNERS), String(CAPACITY)], dbEnv);
    const setup = JSON.parse(readFileSync(setupFile, "utf8")) as SetupResult;

    buildOnce();
    const count = dialect === "sqlite" ? 1 : 2;
    note(`${name}: starting ${count} instance(s)`);
    const instances: Instance[] = await Promise.all(
      Array.from({ length: count }, (_, i) => startInstance({ database, dataDir: dir, label: `app${i + 1}` })),
    );
    const target = (i: number) => instances[i % instances.length].url;

    // Warm both routes on every instance (module loading, JIT) without enrolling anyone.
    for (const instance of instances) {
      await fetch(`${instance.url}/healthz`);
      await fetch(`${instance.url}/api/v1/offerings/${setup.offeringId}/enrolments`, { headers: { cookie: setup.cookies[0] } });
    }

    const baseline = await burst(
      setup.cookies.map((_, i) => ({ url: `${target(i)}/healthz`, method: "GET" })),
      { maxSocketsPerOrigin: MAX_SOCKETS },
    );
    const enrolPath = `/api/v1/offerings/${setup.offeringId}/enrolments`;
    const statsBefore = dialect === "postgresql" ? await pgDatabaseStats(database.name) : undefined;
    note(`${name}: ${LEARNERS} POST ${enrolPath} at once over ${count} instance(s)`);
    const { results, wallMs } = await burst(
      setup.cookies.map((cookie, i) => ({
        url: `${target(i)}${enrolPath}`,
        method: "POST",
        headers: { cookie, accept: "application/json", "accept-language": "en" },
      })),
      { maxSocketsPerOrigin: MAX_SOCKETS },
    );

    const verifyFile = path.join(dir, "verify.json");
    await runScript("enrolment-db.ts", ["verify", String(setup.offeringId), verifyFile], dbEnv);
    const after = JSON.parse(readFileSync(verifyFile, "utf8")) as VerifyResult;
    const answers = results.map((r) => {
      try {
        return JSON.parse(r.body) as Answer;
      } catch {
        return {};
      }
    });
    const invariants = checkInvariants(setup, results, answers, after, count);
    const errors = instances.flatMap((instance) => serverErrors(instance.logFile));
    // PostgreSQL counts a rollback for every retried attempt; its backends report at exit.
    let transactions: PgDatabaseStats | undefined;
    if (dialect === "postgresql") {
      await Promise.all(instances.map((instance) => instance.stop()));
      const now = await pgDatabaseStats(database.name);
      transactions = {
        commits: now.commits - statsBefore!.commits,
        rollbacks: now.rollbacks - statsBefore!.rollbacks,
        deadlocks: now.deadlocks - statsBefore!.deadlocks,
      };
    }

    const enrol = latencySummary(results, wallMs);
    const base = latencySummary(baseline.results, baseline.wallMs);
    const failures = results.filter((r) => r.status >= 500 || r.status === 0);
    const summary = {
      bench: name,
      instances: count,
      learners: LEARNERS,
      capacity: CAPACITY,
      ...enrol,
      statuses: countBy(results, (r) => String(r.status)),
      states: countBy(answers, (a) => a.state ?? "none"),
      baseline: { route: "GET /healthz", ...base, statuses: countBy(baseline.results, (r) => String(r.status)) },
      ratio: {
        throughput: round(enrol.throughputRps / base.throughputRps, 3),
        p50: round(enrol.p50Ms / base.p50Ms, 2),
        p99: round(enrol.p99Ms / base.p99Ms, 2),
      },
      ...invariants,
      ...(transactions ? { postgresTransactions: transactions } : {}),
      serverErrorLines: errors.length,
      setupMs: setup.setupMs,
    };
    report(summary);
    if (failures.length > 0) {
      note(`${name}: ${failures.length} failed request(s), e.g. ${failures.slice(0, 3).map((f) => `${f.status} ${f.error ?? f.body.slice(0, 200)}`).join(" | ")}`);
    }
    if (errors.length > 0) note(`${name}: server error log lines, e.g.\n${errors.slice(0, 3).join("\n")}`);
    if (!invariants.ok) {
      const failed = Object.entries(invariants.checks).filter(([, v]) => !v).map(([k]) => k);
      note(`${name}: INVARIANTS FAILED: ${failed.join(", ")}`);
    }
    return { name, ok: invariants.ok, summary };
  } catch (error) {
    report({ bench: name, ok: false, error: (error as Error).message });
    return { name, ok: false, summary: { error: (error as Error).message } };
  } finally {
    await runCleanups();
  }
}

if (isMain(import.meta.url)) {
  cleanupOnSignals();
  const which = process.argv[2] ?? "all";
  if (!["all", "sqlite", "postgresql"].includes(which)) {
    console.error(`usage: ${process.argv[1]} [sqlite|postgresql|all]`);
    process.exit(2);
  }
  const dialects: Dialect[] = which === "all" ? ["sqlite", "postgresql"] : [which as Dialect];
  let ok = true;
  for (const dialect of dialects) ok = (await runEnrolmentBurst(dialect)).ok && ok;
  process.exit(ok ? 0 : 1);
}
