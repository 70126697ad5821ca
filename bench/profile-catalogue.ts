// Where a catalogue request's time goes, without HTTP: the built app's request handler called
// in-process on a demo-seeded SQLite database, with every SQL statement counted and timed (by
// wrapping better-sqlite3's prepare/run/all, under Prisma's adapter). For each route: the whole
// document, the root loader's data, the route loader's data, and the SQL inside each.
//
//   npm run build && node --import tsx bench/profile-catalogue.ts [iterations]
// PROFILE_SQL=1 prints each statement of the last iteration; PROFILE_CPU=<file.cpuprofile>
// records a CPU profile of the GET /catalogue iterations only (open it in Chrome DevTools).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { isMain, median, report, round, ROOT } from "./lib/common";

type Statement = { sql: string; ms: number };
let recording: Statement[] | null = null;

/** Counts and times every statement Prisma runs through better-sqlite3 in this process. */
function instrumentSqlite() {
  const probe = new Database(":memory:");
  const statementProto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  const sqlOf = new WeakMap<object, string>();
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    const statement = prepare.call(this, sql);
    sqlOf.set(statement, sql);
    return statement;
  } as typeof prepare;
  for (const method of ["run", "all", "get"] as const) {
    const original = statementProto[method];
    statementProto[method] = function (this: object, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        recording?.push({ sql: sqlOf.get(this) ?? "?", ms: performance.now() - t0 });
      }
    };
  }
}

let intlConstructed = 0;
/** Counts Intl.DateTimeFormat / NumberFormat objects created (each costs far more than a format() call). */
function instrumentIntl() {
  for (const name of ["DateTimeFormat", "NumberFormat"] as const) {
    const Original = Intl[name] as unknown as new (...args: unknown[]) => object;
    const Counting = new Proxy(Original, {
      construct(target, args) {
        intlConstructed++;
        return Reflect.construct(target, args);
      },
      apply(target, thisArg, args) {
        intlConstructed++;
        return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
      },
    });
    Object.defineProperty(Intl, name, { value: Counting, configurable: true, writable: true });
  }
}

/** Microseconds to construct one formatter like app/i18n's formatDate does, and to reuse one. */
function intlCosts() {
  const options = { timeZone: "Asia/Shanghai", dateStyle: "medium" } as const;
  const when = new Date();
  const n = 2000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) new Intl.DateTimeFormat("zh-CN", options).format(when);
  const constructUs = ((performance.now() - t0) * 1000) / n;
  const reused = new Intl.DateTimeFormat("zh-CN", options);
  t0 = performance.now();
  for (let i = 0; i < n; i++) reused.format(when);
  const reuseUs = ((performance.now() - t0) * 1000) / n;
  return { constructAndFormatUs: round(constructUs, 1), formatWithCachedFormatterUs: round(reuseUs, 1) };
}

export async function runCatalogueProfile(iterations = 40) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lane-bench-profile-"));
  try {
    process.env.DATABASE_URL = `file:${path.join(dir, "profile.db")}`;
    process.env.SESSION_SECRET ??= "lane-bench-session-secret-0123456789abcdef";
    process.env.DATA_DIR = dir;
    process.env.NODE_ENV = "production";
    process.env.LOG_LEVEL = "warn";
    instrumentSqlite();
    instrumentIntl();

    const { migrate } = await import("../app/db/migrate.server");
    const { env } = await import("../app/utils/env.server");
    const { db, closeDb } = await import("../app/utils/db.server");
    const { ensureDemoSeeded } = await import("../app/seed/demo.server");
    const { createSession } = await import("../app/auth/session.server");
    const { createRequestHandler } = await import("@remix-run/node");
    const bcrypt = (await import("bcryptjs")).default;

    await migrate(env().database);
    await ensureDemoSeeded(db, { passwordHash: () => bcrypt.hash("lane-demo", 4), log: () => {} });
    const secretary = await db.user.findUniqueOrThrow({ where: { username: "secretary" }, select: { id: true } });
    const cookie = (await createSession(new Request("http://127.0.0.1/login"), secretary.id)).split(";")[0];
    const level2 = await db.level.findFirstOrThrow({ where: { rank: 2 }, select: { id: true } });

    const build = await import(pathToFileURL(path.join(ROOT, "build/index.js")).href);
    const handle = createRequestHandler(build, "production");
    const call = async (url: string) => {
      const response = await handle(new Request(`http://127.0.0.1${url}`, { headers: { cookie } }), { cspNonce: "" });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
      return body.length;
    };

    const cases = [
      { route: "GET /healthz", url: "/healthz" },
      { route: "GET /account/password (minimal page)", url: "/account/password" },
      { route: "GET /catalogue", url: "/catalogue" },
      { route: "GET /catalogue (root loader data only)", url: "/catalogue?_data=root" },
      { route: "GET /catalogue (route loader data only)", url: "/catalogue?_data=routes/catalogue._index" },
      { route: `GET /catalogue?level=${level2.id}`, url: `/catalogue?level=${level2.id}` },
    ];
    let healthzMs = 0;
    for (const c of cases) {
      for (let i = 0; i < 10; i++) await call(c.url); // warm-up
      const totals: number[] = [];
      const sqlMs: number[] = [];
      let statements: Statement[] = [];
      let bytes = 0;
      const profiler = process.env.PROFILE_CPU && c.url === "/catalogue" ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.setSamplingInterval", { interval: 100 });
        await profiler.post("Profiler.start");
      }
      const cpuBefore = process.cpuUsage();
      let intl = 0;
      for (let i = 0; i < iterations; i++) {
        recording = [];
        const intlBefore = intlConstructed;
        const t0 = performance.now();
        bytes = await call(c.url);
        intl = intlConstructed - intlBefore;
        totals.push(performance.now() - t0);
        statements = recording;
        sqlMs.push(recording.reduce((sum, s) => sum + s.ms, 0));
        recording = null;
      }
      const cpu = process.cpuUsage(cpuBefore);
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        writeFileSync(process.env.PROFILE_CPU!, JSON.stringify(profile));
        profiler.disconnect();
      }
      const byKind: Record<string, number> = {};
      for (const s of statements) {
        const table = /FROM\s+[`"]?(?:main[`"]?\.[`"]?)?(\w+)/i.exec(s.sql)?.[1] ?? s.sql.slice(0, 20);
        byKind[table] = (byKind[table] ?? 0) + 1;
      }
      const medianMs = median(totals);
      if (c.url === "/healthz") healthzMs = medianMs;
      report({
        bench: "profile-catalogue/sqlite",
        route: c.route,
        iterations,
        medianMs: round(medianMs, 2),
        // CPU time of this process per request: less disturbed than wall time by other load.
        cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / iterations, 2),
        // In-process requests per second relative to GET /healthz (no HTTP, no client).
        baseline: "GET /healthz",
        ratio: round(healthzMs / medianMs, 3),
        statementsPerRequest: statements.length,
        sqlMsPerRequest: round(median(sqlMs), 2),
        intlFormattersPerRequest: intl,
        bytes,
        statementsByTable: byKind,
      });
      if (process.env.PROFILE_SQL === "1") for (const s of statements) console.log(`  ${round(s.ms, 3)} ms  ${s.sql}`);
    }
    report({ bench: "profile-catalogue/intl", ...intlCosts() });
    await closeDb();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await runCatalogueProfile(Number(process.argv[2] ?? 40));
