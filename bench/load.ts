// Load benchmark of the production mode with several instances: the cluster server
// (server/cluster.ts, WEB_CONCURRENCY workers on one port) on one PostgreSQL database with the
// demo, driven by autocannon from this process (a second process on loopback) with a mix of
// what people do at once: each connection, over and over, signs a learner in, opens the
// catalogue and My learning, enrols in a class and withdraws again (JSON API), and an HR
// officer opens an HR report. The same mix runs against 1 worker and against 2 workers;
// reported: requests per second, p50/p99 latency, errors (any unexpected status, timeout or
// socket error — must be 0), the invariants of the database afterwards, and the throughput
// ratio of 2 workers to 1. A short GET /healthz run against each configuration is the
// baseline (ENGINEERING.md, "Benchmarks").
//
//   node --import tsx bench/load.ts [--duration 60] [--connections 16] [--instances 1,2]
import autocannon from "autocannon";
import path from "node:path";
import {
  BENCH_SESSION_SECRET,
  buildOnce,
  cleanupOnSignals,
  freshDatabase,
  isMain,
  note,
  postgresUnavailable,
  report,
  round,
  runCleanups,
  serverErrors,
  startInstance,
  tempDir,
  type BenchDatabase,
  type Instance,
} from "./lib/common";
import { Ledger, ledgerVerifyScript, openInspector, verify } from "../tests/crash/harness";

const DEMO_PASSWORD = "lane-demo";

type Options = { duration: number; connections: number; instances: number[] };

export type LoadRun = {
  instances: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  unexpected: Record<string, number>;
  baselineRps: number;
  ratioToBaseline: number;
  byRequest: Record<string, number>;
};

export type LoadOutcome = { name: string; ok: boolean; skipped?: string; runs: LoadRun[]; scaling?: number; invariants?: Record<string, string> };

/** `server/cluster.ts` with WEB_CONCURRENCY workers on a free port, on the demo database. */
function startCluster(database: BenchDatabase, dir: string, workers: number): Promise<Instance> {
  return startInstance({
    database,
    dataDir: dir,
    label: `cluster-${workers}`,
    workers,
    // One data folder for every configuration: they share the database that points into it.
    appDataDir: path.join(dir, "data"),
    env: {
      // The mix needs the demo (its learners, classes and HR officer).
      SEED_DEMO: "auto",
      // Demo passwords hashed cheaply: the mix measures the app, not bcrypt (0.24 s a sign-in
      // at the production cost 12, docs/security.md).
      BCRYPT_COST: "4",
    },
  });
}

async function signIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/login`, { method: "POST", body: new URLSearchParams({ username, password: DEMO_PASSWORD }), redirect: "manual" });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: HTTP ${response.status}`);
  return cookie;
}

type Learner = { username: string; offeringId: number };
type Mix = { learners: Learner[]; hrCookie: string; hrReport: string };

/**
 * Learners who may enrol in one of the open classes (enrol and withdraw once to find out, so
 * the mix never asks for something the rules refuse), and the HR report to open.
 */
async function prepareMix(url: string, databaseUrl: string): Promise<Mix> {
  const db = await openInspector(databaseUrl);
  try {
    const now = Date.now();
    const open = (await db.all(`SELECT "id", "capacity", "seatsTaken", "enrolOpensAt", "enrolClosesAt", "withdrawDeadline" FROM "Offering" WHERE "status" = 'published' AND "needsApproval" = false ORDER BY "capacity" DESC`))
      .filter((o) => new Date(String(o.enrolOpensAt)).getTime() <= now && now < new Date(String(o.enrolClosesAt)).getTime() && now < new Date(String(o.withdrawDeadline)).getTime())
      .filter((o) => Number(o.capacity) - Number(o.seatsTaken) >= 40)
      .map((o) => Number(o.id));
    if (open.length === 0) throw new Error("the demo has no open class with 40 free seats");
    const users = await db.all(`SELECT u."username", u."personId" FROM "User" u WHERE u."role" = 'learner' AND u."personId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Enrolment" e WHERE e."personId" = u."personId" AND e."offeringId" IN (${open.join(",")})) ORDER BY u."id"`);
    const learners: Learner[] = [];
    for (const user of users) {
      const cookie = await signIn(url, String(user.username));
      for (const offeringId of open) {
        const enrol = await fetch(`${url}/api/v1/offerings/${offeringId}/enrolments`, { method: "POST", headers: { cookie } });
        if (enrol.status !== 201) continue;
        const withdraw = await fetch(`${url}/api/v1/offerings/${offeringId}/enrolments`, { method: "DELETE", headers: { cookie } });
        if (withdraw.status !== 200) throw new Error(`withdrawal in the probe failed: HTTP ${withdraw.status}`);
        learners.push({ username: String(user.username), offeringId });
        break;
      }
    }
    if (learners.length < 40) throw new Error(`only ${learners.length} learners can enrol in an open class`);
    const hrCookie = await signIn(url, "hr");
    // The HR report page when it exists, else the people list (the HR desk's main table).
    const reports = await fetch(`${url}/hr/reports`, { headers: { cookie: hrCookie } });
    return { learners, hrCookie, hrReport: reports.status === 200 ? "/hr/reports" : "/hr/people" };
  } finally {
    await db.close();
  }
}

type Context = { cookie?: string; learner?: Learner };

async function runMix(url: string, mix: Mix, options: Options) {
  // One shared turn counter: every cycle takes the next learner, so each learner's API calls
  // stay far below the per-caller rate limit (120 a minute) and two connections rarely hold
  // the same learner at once (if they do, enrol/withdraw answer "already", still 2xx).
  let turn = 0;
  const unexpected: Record<string, number> = {};
  const byRequest: Record<string, number> = {};
  const expect = (name: string, ok: (status: number) => boolean) => (status: number) => {
    byRequest[name] = (byRequest[name] ?? 0) + 1;
    if (!ok(status)) unexpected[`${name} ${status}`] = (unexpected[`${name} ${status}`] ?? 0) + 1;
  };
  const loginOk = expect("POST /login", (s) => s === 302);
  const cataloguOk = expect("GET /catalogue", (s) => s === 200);
  const myOk = expect("GET /my", (s) => s === 200);
  const enrolOk = expect("POST enrolment", (s) => s === 201 || s === 200);
  const withdrawOk = expect("DELETE enrolment", (s) => s === 200);
  const hrOk = expect(`GET ${mix.hrReport}`, (s) => s === 200);
  const withCookie = (req: autocannon.Request, context: Context) => ({ ...req, headers: { ...req.headers, cookie: context.cookie ?? "" } });
  const enrolmentPath = (context: Context) => `/api/v1/offerings/${context.learner!.offeringId}/enrolments`;

  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    timeout: 30,
    headers: { "accept-language": "zh-CN" },
    requests: [
      {
        method: "POST",
        path: "/login",
        setupRequest: (req, context: Context) => {
          context.learner = mix.learners[turn++ % mix.learners.length];
          return {
            ...req,
            headers: { ...req.headers, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ username: context.learner.username, password: DEMO_PASSWORD }).toString(),
          };
        },
        onResponse: (status, _body, context: Context, headers) => {
          loginOk(status);
          const raw = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === "set-cookie")?.[1];
          const first = Array.isArray(raw) ? raw[0] : raw;
          context.cookie = typeof first === "string" ? first.split(";")[0] : "";
        },
      },
      { method: "GET", path: "/catalogue", setupRequest: withCookie, onResponse: (s) => cataloguOk(s) },
      { method: "GET", path: "/my", setupRequest: withCookie, onResponse: (s) => myOk(s) },
      {
        method: "POST",
        setupRequest: (req, context: Context) => ({ ...withCookie(req, context), path: enrolmentPath(context) }),
        onResponse: (s) => enrolOk(s),
      },
      {
        method: "DELETE",
        setupRequest: (req, context: Context) => ({ ...withCookie(req, context), path: enrolmentPath(context) }),
        onResponse: (s) => withdrawOk(s),
      },
      { method: "GET", path: mix.hrReport, headers: { cookie: mix.hrCookie }, onResponse: (s) => hrOk(s) },
    ],
  });
  const unexpectedCount = Object.values(unexpected).reduce((a, b) => a + b, 0);
  return {
    rps: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + unexpectedCount,
    unexpected: { ...unexpected, ...(result.errors ? { "socket errors": result.errors } : {}), ...(result.timeouts ? { timeouts: result.timeouts } : {}) },
    byRequest,
  };
}

async function baseline(url: string, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url: `${url}/healthz`, connections, duration: seconds });
  return result.requests.average;
}

export async function runLoad(options: Options): Promise<LoadOutcome> {
  const name = "load/postgresql";
  const why = await postgresUnavailable();
  if (why) {
    report({ bench: name, skipped: `PostgreSQL not reachable: ${why}` });
    return { name, ok: true, skipped: why, runs: [] };
  }
  const dir = tempDir("load");
  const database = await freshDatabase("postgresql", dir);
  buildOnce();
  const runs: LoadRun[] = [];
  let ok = true;
  let mix: Mix | null = null;
  for (const instances of options.instances) {
    note(`${name}: ${instances} instance(s), ${options.connections} connections, ${options.duration} s`);
    const cluster = await startCluster(database, dir, instances);
    try {
      mix ??= await prepareMix(cluster.url, database.url);
      await baseline(cluster.url, 2, options.connections); // warm-up of every worker
      const baselineRps = await baseline(cluster.url, Math.min(10, Math.max(3, Math.round(options.duration / 6))), options.connections);
      const measured = await runMix(cluster.url, mix, options);
      const logged = serverErrors(cluster.logFile);
      const run: LoadRun = { instances, ...measured, baselineRps: round(baselineRps, 1), ratioToBaseline: round(measured.rps / baselineRps, 3) };
      if (logged.length) {
        run.unexpected["server log errors"] = logged.length;
        run.errors += logged.length;
      }
      runs.push(run);
      ok &&= run.errors === 0;
      report({ bench: name, ...run, connections: options.connections, seconds: options.duration, hrReport: mix.hrReport, learners: mix.learners.length });
    } finally {
      await cluster.stop();
    }
  }
  // Invariants after the runs, on the database as the load left it.
  const inspector = await openInspector(database.url);
  let invariants: Record<string, string> = {};
  try {
    const empty = { learners: [], offerings: [], markers: [], projects: [], criteria: [], closable: null, adjust: null, imports: null };
    // The database invariants (the acknowledged-write checks have nothing to compare here).
    const invariantChecks = (await verify(inspector, new Ledger(), empty)).filter((c) => !c.name.startsWith("acknowledged"));
    const checks = [...invariantChecks, ledgerVerifyScript(database.url, BENCH_SESSION_SECRET)];
    invariants = Object.fromEntries(checks.map((c) => [c.name, c.ok ? "ok" : (c.detail ?? "failed")]));
    ok &&= checks.every((c) => c.ok);
  } finally {
    await inspector.close();
  }
  const one = runs.find((r) => r.instances === 1);
  const two = runs.find((r) => r.instances === 2);
  const scaling = one && two ? round(two.rps / one.rps, 2) : undefined;
  report({ bench: `${name}/summary`, ok, scaling2to1: scaling, invariants });
  return { name, ok, runs, scaling, invariants };
}

export function parseLoadArgs(args: string[]): Options {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const duration = Number(value("--duration") ?? process.env.BENCH_LOAD_SECONDS ?? 60);
  const connections = Number(value("--connections") ?? process.env.BENCH_LOAD_CONNECTIONS ?? 16);
  const instances = (value("--instances") ?? "1,2").split(",").map(Number);
  if (!(duration > 0) || !(connections > 0) || instances.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("usage: bench/load.ts [--duration seconds] [--connections n] [--instances 1,2]");
  }
  return { duration, connections, instances };
}

if (isMain(import.meta.url)) {
  cleanupOnSignals();
  let ok = false;
  try {
    ok = (await runLoad(parseLoadArgs(process.argv.slice(2)))).ok;
  } finally {
    await runCleanups();
  }
  process.exit(ok ? 0 : 1);
}
