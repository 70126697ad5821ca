// The district credit report benchmark (`npm run bench`, or alone: `npm run bench:report`).
// On the bench data set (npm run bench:data: 20,000 people, 5 years, ≥ 2 M ledger entries) and
// for each dialect, in a child process of its own: the report of the current credit year for
// the whole district grouped by street and post type (runCreditReport: statuses through
// creditStatusesForYear, points from the summaries), against the raw SQL aggregate of the same
// question over the ledger (one GROUP BY, no statuses) measured alternately in the same run.
// Then the XLSX export of 20,000 person rows (bench/xlsx-export.ts, also runnable alone:
// `npm run bench:xlsx`), each run in a fresh process so its peak memory (maxRSS) is the export's.
//
// Aims (docs/performance.md): report median ≤ 500 ms and ≤ 3× the raw aggregate; XLSX ≤ 10 s
// with peak memory ≤ 300 MB. One JSON line per measurement; exit 1 when an aim is missed or
// the report's total differs from the raw aggregate's.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureBenchData } from "./lib/bench-data";
import { runXlsxExports, XLSX_AIMS } from "./xlsx-export";
import { BENCH_SESSION_SECRET, isMain, median, note, percentile, postgresUnavailable, report, round, runScript, type Dialect } from "./lib/common";

export const REPORT_AIMS = { medianMs: 500, ratio: 3, xlsxSeconds: XLSX_AIMS.seconds, xlsxPeakMb: XLSX_AIMS.peakRssMb };

export type CreditReportOutcome = {
  name: string;
  ok: boolean;
  skipped?: string;
  summary: Record<string, unknown>;
};

const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 9);

// ------------------------------------------------------------------ worker (one dialect)

async function worker(dialect: Dialect, resultFile: string) {
  const { Prisma } = await import("~/generated/sqlite/client");
  const { db, closeDb } = await import("~/utils/db.server");
  const { runCreditReport } = await import("~/reports/credit-report.server");
  const { creditStatusesForYear } = await import("~/credits/ledger.server");
  const { ReportDefinitionSchema } = await import("~/reports/definition");
  const { writeFileSync } = await import("node:fs");

  const district = await db.unit.findFirstOrThrow({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true, path: true } });
  const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
  const definition = ReportDefinitionSchema.parse({
    yearFrom: String(year),
    yearTo: String(year),
    unitId: String(district.id),
    groupBy: ["unit", "postType"],
    columns: ["headcount", "met", "metRate", "points", "avgPoints", "counted"],
  });
  const end = district.path.slice(0, -1) + "0";
  // The same question in one statement: the year's points by street and post type, over the
  // ledger of the active people in the district — what a hand-written report query would do.
  const raw = () =>
    db.$queryRaw<{ street: number; postTypeCode: string; points: number | bigint; people: number | bigint }[]>(Prisma.sql`
      SELECT CASE WHEN u."kind" = 'area' THEN u."parentId" ELSE u."id" END AS "street", p."postTypeCode" AS "postTypeCode",
             SUM(e."amount") AS "points", COUNT(DISTINCT e."personId") AS "people"
      FROM "LedgerEntry" e JOIN "Person" p ON p."id" = e."personId" JOIN "Unit" u ON u."id" = p."unitId"
      WHERE e."creditYear" = ${year} AND u."path" >= ${district.path} AND u."path" < ${end} AND p."active" = ${true}
      GROUP BY CASE WHEN u."kind" = 'area' THEN u."parentId" ELSE u."id" END, p."postTypeCode"`);
  const run = () => runCreditReport(definition, { unitPath: null });
  // A second reference: the shared status computation alone for the same people, which the
  // report cannot avoid (met / counted for every person-year) — the rest is the report's own cost.
  const people = await db.person.findMany({ where: { active: true, unit: { path: { gte: district.path, lt: end } } }, select: { id: true } });
  const statusesOnly = () => creditStatusesForYear(db, year, people.map((p) => p.id));

  // Warm both (statement caches, pages in memory), then alternate so drift hits both alike.
  const first = await run();
  const firstRaw = await raw();
  await run();
  await raw();
  const reportMs: number[] = [];
  const rawMs: number[] = [];
  const statusMs: number[] = [];
  await statusesOnly();
  for (let i = 0; i < RUNS; i++) {
    let started = performance.now();
    await run();
    reportMs.push(performance.now() - started);
    started = performance.now();
    await raw();
    rawMs.push(performance.now() - started);
    started = performance.now();
    await statusesOnly();
    statusMs.push(performance.now() - started);
  }
  const rawTotal = firstRaw.reduce((sum, row) => sum + Number(row.points), 0);
  const summary = {
    groups: first.rows.length,
    personYears: first.totals.headcount,
    reportTotal: first.totals.points,
    rawTotal,
    totalsAgree: rawTotal === first.totals.points,
    report: { medianMs: round(median(reportMs)), p99Ms: round(percentile(reportMs, 99)), runs: reportMs.map((v) => round(v)) },
    raw: { medianMs: round(median(rawMs)), p99Ms: round(percentile(rawMs, 99)), runs: rawMs.map((v) => round(v)) },
    ratio: round(median(reportMs) / median(rawMs), 2),
    statuses: { medianMs: round(median(statusMs)), runs: statusMs.map((v) => round(v)) },
    ratioToStatuses: round(median(reportMs) / median(statusMs), 2),
  };
  writeFileSync(resultFile, JSON.stringify(summary));
  await closeDb();
}

// ------------------------------------------------------------------ orchestrator

async function inChild(script: string, args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lane-bench-report-"));
  const file = path.join(dir, "result.json");
  try {
    await runScript(script, [...args, file], env);
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCreditReportBench(dialect: Dialect): Promise<CreditReportOutcome> {
  const name = `credit-report-${dialect}`;
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      note(`${name} skipped: ${why}`);
      return { name, ok: true, skipped: why, summary: {} };
    }
  }
  const data = await ensureBenchData({ dialect });
  const env = { DATABASE_URL: data.url, SESSION_SECRET: BENCH_SESSION_SECRET };
  note(`${name}: ${data.counts.people} people, ${data.counts.ledgerEntries} ledger entries`);
  const timing = (await inChild("credit-report.ts", ["--worker", dialect], env)) as {
    report: { medianMs: number };
    ratio: number;
    totalsAgree: boolean;
  };
  // BENCH_XLSX_RUNS fresh processes (default 3): median time, worst peak memory.
  const { checks: xlsxChecks, ...xlsx } = await runXlsxExports({ ...env, BENCH_DIALECT: dialect }, Number(process.env.BENCH_XLSX_RUNS ?? 3));
  const checks = {
    totalsAgree: timing.totalsAgree,
    medianWithinAim: timing.report.medianMs <= REPORT_AIMS.medianMs,
    ratioWithinAim: timing.ratio <= REPORT_AIMS.ratio,
    ...xlsxChecks,
  };
  const summary = { dataset: data.counts, ...timing, xlsx, aims: REPORT_AIMS, checks };
  const ok = Object.values(checks).every(Boolean);
  report({ bench: name, ok, ...summary });
  return { name, ok, summary };
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--worker") {
    await worker(args[1] as Dialect, args[2]);
  } else {
    const dialects = (args.length ? args : ["sqlite", "postgresql"]) as Dialect[];
    const outcomes: CreditReportOutcome[] = [];
    for (const dialect of dialects) outcomes.push(await runCreditReportBench(dialect));
    process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
  }
}
