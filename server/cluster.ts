// Production mode with several app processes on one machine: `npm run start:cluster`
// (WEB_CONCURRENCY=N, default: one per CPU, at most 8). The primary validates the
// configuration, applies pending migrations and seeds an empty database once, then forks N
// workers that each run server/index.ts and share the one listening port (Node's cluster
// module hands out connections round-robin). Every piece of state a request depends on —
// sessions, sign-in and check-in throttles, API rate limits, check-in code secrets — lives in
// PostgreSQL (the codes are derived from SESSION_SECRET and the session's secret), so any
// worker, or any instance on another machine, serves any request (docs/operations.md).
//
// A worker that dies is replaced (a crash loop — five deaths within a minute — stops the whole
// server rather than spinning). SIGTERM or SIGINT stops accepting connections, lets the
// workers finish their requests (server/index.ts closes its server and pool), and exits.
import cluster, { type Worker } from "node:cluster";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "../app/db/migrate.server";
import { redactDatabaseUrl } from "../app/db/config.server";
import { env, EnvError } from "../app/utils/env.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { logger } from "../app/utils/logger.server";
import { seedDemoIfEmpty } from "./seed-on-start";
import { withStartupLock } from "./startup-lock";

const MAX_WORKERS = 8;
const CRASH_LOOP = { deaths: 5, withinMs: 60_000 };
const STOP_TIMEOUT_MS = 15_000;

function fail(message: string): never {
  process.stderr.write(`lane-academy: ${message}\n`);
  process.exit(1);
}

/** WEB_CONCURRENCY, else one worker per CPU (at most 8): an unset or bad value is explained. */
export function workerCount(raw: string | undefined, cpus: number): number {
  if (raw === undefined || raw.trim() === "") return Math.max(1, Math.min(MAX_WORKERS, cpus));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`WEB_CONCURRENCY must be a whole number from 1 to 64, not "${raw}"`);
  return n;
}

async function main() {
  let config: ReturnType<typeof env>;
  let count: number;
  try {
    config = env();
    count = workerCount(process.env.WEB_CONCURRENCY, os.availableParallelism?.() ?? os.cpus().length);
  } catch (error) {
    if (error instanceof EnvError) fail(`configuration error: ${error.message}`);
    fail((error as Error).message);
  }
  // SQLite mode is one process by design (ADR 003: one connection, transactions in turn).
  if (config.database.dialect === "sqlite" && count > 1) {
    fail("several workers need PostgreSQL: SQLite mode is one process (set WEB_CONCURRENCY=1 or use a postgresql:// DATABASE_URL)");
  }

  // Migrate and seed once here, so the workers find nothing to do and start quickly.
  try {
    await withStartupLock(config.database, async () => {
      const result = await migrate(config.database);
      if (result.applied.length) logger.info({ applied: result.applied }, "migrations applied");
      await seedDemoIfEmpty(getDb(), config);
    });
  } catch (error) {
    fail(`cannot prepare the database at ${redactDatabaseUrl(config.database)}: ${(error as Error).message.split("\n")[0]}`);
  }
  await closeDb(); // the primary serves nothing; its pool would only hold connections

  cluster.setupPrimary({
    exec: path.join(path.dirname(fileURLToPath(import.meta.url)), "index.ts"),
    execArgv: process.execArgv.includes("tsx") ? process.execArgv : [...process.execArgv, "--import", "tsx"],
  });

  let stopping = false;
  const deaths: number[] = [];
  const fork = () => cluster.fork({ LANE_WORKER: "1" });

  cluster.on("exit", (worker: Worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.process.pid, code, signal }, "worker died; starting another");
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0] < now - CRASH_LOOP.withinMs) deaths.shift();
    if (deaths.length >= CRASH_LOOP.deaths) {
      logger.fatal({ deaths: deaths.length }, "workers keep dying; stopping");
      void stop("crash loop", 1);
      return;
    }
    fork();
  });

  async function stop(reason: string, exitCode = 0) {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "stopping workers");
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))));
    // SIGTERM lets each worker close its server (finishing requests in flight) and its pool.
    for (const w of workers) if (!w.isDead()) w.process.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill("SIGKILL");
    }, STOP_TIMEOUT_MS);
    await Promise.all(exited);
    clearTimeout(timer);
    process.exit(exitCode);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count, database: config.database.dialect }, "cluster started");
  process.stdout.write(`Lane Academy cluster: ${count} workers on port ${config.PORT} (${config.database.dialect})\n`);
}

// Run only as the entry script (tests import workerCount without starting anything).
if (cluster.isPrimary && process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    logger.fatal({ err: error }, "cluster failed to start");
    fail(`failed to start: ${(error as Error).message}`);
  });
}
