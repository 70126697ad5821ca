// Shared plumbing of the benchmarks: temporary databases, app instances as child processes,
// statistics and the one-JSON-line-per-measurement output (see ENGINEERING.md, "Benchmarks").
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Fixed, so every instance (and the setup script that mints cookies) signs alike. */
export const BENCH_SESSION_SECRET = "lane-bench-session-secret-0123456789abcdef";

export type Dialect = "sqlite" | "postgresql";

// ------------------------------------------------------------------ output

/** One measurement, one line of JSON on stdout. */
export function report(record: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
}

export function note(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

// ------------------------------------------------------------------ statistics

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export const median = (values: number[]) => percentile(values, 50);
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// ------------------------------------------------------------------ cleanup

type Cleanup = { name: string; run: () => Promise<void> | void };
const cleanups: Cleanup[] = [];
const running = new Set<Promise<void>>();
/** Set by Ctrl-C / SIGTERM: nothing new starts, and whatever still gets created is undone at once. */
let aborting = false;

async function runOne(step: Cleanup) {
  try {
    await step.run();
  } catch (error) {
    note(`cleanup "${step.name}" failed: ${(error as Error).message}`);
  }
}

/** Registers a cleanup step; runCleanups() runs them newest first, each once, errors noted. */
export function onCleanup(name: string, run: Cleanup["run"]) {
  if (aborting) {
    const pending = runOne({ name, run });
    running.add(pending);
    void pending.finally(() => running.delete(pending));
    return;
  }
  cleanups.push({ name, run });
}

let cleaning: Promise<void> | null = null;
/** Runs every registered cleanup; a second caller (the signal handler) waits for the same run. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) await runOne(cleanups.pop()!);
    await Promise.all(running);
  })().finally(() => {
    cleaning = null;
  });
  return cleaning;
}

/** Throws once the run is being interrupted, so no new server or database is started. */
export function assertNotAborting() {
  if (aborting) throw new Error("interrupted");
}

let signalsHooked = false;
/** Ctrl-C or a kill still stops the servers and drops the databases; a second one forces. */
export function cleanupOnSignals() {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (aborting) process.exit(130);
      aborting = true;
      note(`${signal}: stopping servers and dropping databases`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

// ------------------------------------------------------------------ temporary places

export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `lane-bench-${label}-`));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export type BenchDatabase = { dialect: Dialect; url: string; name: string };

/** A fresh, empty database (not migrated: the setup script or the server does that). */
export async function freshDatabase(dialect: Dialect, dir: string): Promise<BenchDatabase> {
  assertNotAborting();
  if (dialect === "sqlite") {
    const file = path.join(dir, "bench.db");
    return { dialect, url: `file:${file}`, name: file };
  }
  const name = `lane_bench_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  onCleanup(`drop database ${name}`, () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { dialect, url: postgresUrlFor(name), name };
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// The same server the PostgreSQL tests use (tests/support/databases.ts, which is CommonJS-only
// because of __dirname): TEST_POSTGRES_URL, else the local socket as user postgres.
export function postgresAdminUrl() {
  return process.env.TEST_POSTGRES_URL || "postgresql://postgres@localhost:5432/postgres?host=/var/run/postgresql";
}

export function postgresUrlFor(database: string) {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export type PgDatabaseStats = { commits: number; rollbacks: number; deadlocks: number };

/** The server's transaction counters for one database (a backend reports them at exit). */
export async function pgDatabaseStats(name: string): Promise<PgDatabaseStats> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; rollbacks: string; deadlocks: string }>(
      `SELECT xact_commit AS commits, xact_rollback AS rollbacks, deadlocks FROM pg_stat_database WHERE datname = $1`,
      [name],
    );
    const row = rows[0] ?? { commits: "0", rollbacks: "0", deadlocks: "0" };
    return { commits: Number(row.commits), rollbacks: Number(row.rollbacks), deadlocks: Number(row.deadlocks) };
  } finally {
    await client.end();
  }
}

/** Null when PostgreSQL answers, else why not. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

// ------------------------------------------------------------------ the app

let built = false;
/** `npm run build` once per bench run (the instances serve build/). */
export function buildOnce() {
  if (built || process.env.BENCH_SKIP_BUILD === "1") return;
  note("npm run build");
  const result = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
  built = true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type Instance = { url: string; port: number; logFile: string; child: ChildProcess; stop: () => Promise<void> };

/**
 * The production server on 127.0.0.1:<free port>: one process (`server/index.ts`), or with
 * `workers` the cluster mode (`server/cluster.ts`, WEB_CONCURRENCY workers on one port).
 */
export async function startInstance(options: {
  database: BenchDatabase;
  dataDir: string;
  label: string;
  env?: Record<string, string>;
  /** Start the cluster mode with this many workers instead of a single server process. */
  workers?: number;
  /** DATA_DIR of the app; default a folder of its own (`<label>-data`) under dataDir. */
  appDataDir?: string;
}): Promise<Instance> {
  assertNotAborting();
  const cluster = options.workers !== undefined;
  const port = await freePort();
  const logFile = path.join(options.dataDir, `${options.label}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ["--import", "tsx", cluster ? "server/cluster.ts" : "server/index.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.database.url,
      SESSION_SECRET: BENCH_SESSION_SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      SEED_DEMO: "never",
      LOG_LEVEL: "warn",
      BCRYPT_COST: "10",
      DATA_DIR: options.appDataDir ?? path.join(options.dataDir, `${options.label}-data`),
      ...(cluster ? { WEB_CONCURRENCY: String(options.workers) } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The cluster's primary waits for every worker to finish its requests before it exits.
  const grace = cluster ? 20_000 : 5000;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), grace);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  onCleanup(`stop ${options.label}`, stop);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, logFile, options.workers, cluster ? 180_000 : 90_000);
  return { url, port, logFile, child, stop };
}

/**
 * Until /healthz answers and, for a cluster, every worker has logged that it listens (which
 * worker answered a request cannot be told from outside).
 */
async function waitForHealth(url: string, child: ChildProcess, logFile: string, workers: number | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited (${child.exitCode}) before it was healthy:\n${tail(logFile)}`);
    }
    const healthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    const listening = workers === undefined ? 0 : (tail(logFile, 200).match(/Lane Academy: http/g) ?? []).length;
    if (healthy && listening >= (workers ?? 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server at ${url} was not healthy within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Log lines at error level or worse (pino: level >= 50) since the server started. */
export function serverErrors(logFile: string): string[] {
  let text = "";
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter((line) => {
    if (!line.startsWith("{")) return /error/i.test(line);
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

/** Runs a bench script in its own process (it opens the app's database client from env). */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    assertNotAborting();
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", script), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bench/${script} ${args[0] ?? ""} exited with ${code}`))));
  });
}

/** True when this module is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
