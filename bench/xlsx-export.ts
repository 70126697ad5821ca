// The XLSX export benchmark: the current year's district report as 20,000 person rows, one
// sheet per street (writeReportXlsx, as GET /hr/reports.xlsx?sheets=group streams it), into a
// sink that only counts bytes. Each export runs in a fresh process of its own, so the process's
// peak resident memory (maxRSS) is the export's plus what any process of the app holds before
// it (Node, tsx, the Prisma client and its query compiler, the database connection).
//
//   npm run bench:xlsx [-- sqlite|postgresql]   alone (BENCH_XLSX_RUNS processes per dialect, default 3)
//   npm run bench:report                        after the report benchmark (bench/credit-report.ts)
//   node --import tsx bench/xlsx-export.ts <dialect> <result.json>   one export (the child process)
//
// Per export it reports: seconds (wall) and cpuSeconds (user + system of the export: less
// sensitive than wall time to the machine's load, which is printed with it), peakRssMb (maxRSS of
// the process: the aim), baselineRssMb (RSS just before the export starts) and the JS heap —
// heapUsed / heapTotal peaks sampled after every batch and every 20 ms — so a peak can be told
// apart into "the process before" (baseline), "garbage not yet collected" (heap) and the rest.
// Aims (docs/performance.md): ≤ 10 s and ≤ 300 MB peak RSS. One JSON line per dialect; exit 1
// when an aim is missed.
import { writeFileSync } from "node:fs";
import os from "node:os";
import { Writable } from "node:stream";

export const XLSX_AIMS = { seconds: 10, peakRssMb: 300 };

export type XlsxRun = {
  rows: number;
  sheets: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  baselineRssMb: number;
  peakHeapUsedMb: number;
  peakHeapTotalMb: number;
  loadAverage: [number, number];
};

const mb = (bytes: number) => Math.round(bytes / 1048576);
const load1 = () => Math.round(os.loadavg()[0] * 10) / 10;

// ------------------------------------------------------------------ one export (child process)

async function exportOnce(resultFile: string) {
  // Imported here, not at the top: the orchestrator below must not load the app.
  const { closeDb, db } = await import("~/utils/db.server");
  const { ReportDefinitionSchema } = await import("~/reports/definition");
  const { writeReportXlsx } = await import("~/reports/export.server");

  const district = await db.unit.findFirstOrThrow({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true } });
  const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));
  const definition = ReportDefinitionSchema.parse({ yearFrom: String(year), yearTo: String(year), unitId: String(district.id), groupBy: ["unit", "postType"] });

  let bytes = 0;
  let sheets = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      // Local file headers of worksheet parts ("PK\3\4" … "xl/worksheets/sheet").
      if (chunk.length > 30 && chunk.readUInt32LE(0) === 0x04034b50 && chunk.toString("latin1", 30, 49) === "xl/worksheets/sheet") sheets++;
      done();
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    sink.on("finish", resolve);
    sink.on("error", reject);
  });
  const peak = { heapUsed: 0, heapTotal: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal);
  };
  // The timer misses SQLite's batches (better-sqlite3 blocks the event loop), hence onProgress too.
  const timer = setInterval(sample, 20);
  const loadBefore = load1();
  const baselineRss = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { rows } = await writeReportXlsx(definition, { unitPath: null }, sink, { sheetPerGroup: true, onProgress: sample });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  sample();
  clearInterval(timer);
  const result: XlsxRun = {
    rows,
    sheets,
    bytes,
    seconds: Math.round(seconds * 100) / 100,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    // maxRSS is in kilobytes.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineRssMb: mb(baselineRss),
    peakHeapUsedMb: mb(peak.heapUsed),
    peakHeapTotalMb: mb(peak.heapTotal),
    loadAverage: [loadBefore, load1()],
  };
  writeFileSync(resultFile, JSON.stringify(result));
  await closeDb();
}

// ------------------------------------------------------------------ orchestrator

export type XlsxSummary = XlsxRun & { runs: XlsxRun[]; aims: typeof XLSX_AIMS; checks: Record<string, boolean> };

/**
 * `runs` exports of the bench data in fresh processes. The summary's seconds and cpuSeconds are
 * the medians, peakRssMb and the heap figures the worst run's (the aim is a ceiling).
 */
export async function runXlsxExports(env: Record<string, string>, runs: number): Promise<XlsxSummary> {
  const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
  const path = await import("node:path");
  const { median, runScript } = await import("./lib/common");
  const results: XlsxRun[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lane-bench-xlsx-"));
    const file = path.join(dir, "result.json");
    try {
      await runScript("xlsx-export.ts", [env.BENCH_DIALECT ?? "sqlite", file], env);
      results.push(JSON.parse(readFileSync(file, "utf8")) as XlsxRun);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const worst = (pick: (r: XlsxRun) => number) => Math.max(...results.map(pick));
  const summary: XlsxRun = {
    ...results[0],
    seconds: median(results.map((r) => r.seconds)),
    cpuSeconds: median(results.map((r) => r.cpuSeconds)),
    peakRssMb: worst((r) => r.peakRssMb),
    baselineRssMb: worst((r) => r.baselineRssMb),
    peakHeapUsedMb: worst((r) => r.peakHeapUsedMb),
    peakHeapTotalMb: worst((r) => r.peakHeapTotalMb),
    loadAverage: [Math.min(...results.map((r) => r.loadAverage[0])), Math.max(...results.map((r) => r.loadAverage[1]))],
  };
  const checks = {
    xlsxRows: results.every((r) => r.rows >= 20_000),
    xlsxTimeWithinAim: summary.seconds <= XLSX_AIMS.seconds,
    xlsxMemoryWithinAim: summary.peakRssMb <= XLSX_AIMS.peakRssMb,
  };
  return { ...summary, runs: results, aims: XLSX_AIMS, checks };
}

async function standalone(dialects: string[]) {
  const { BENCH_SESSION_SECRET, note, postgresUnavailable, report } = await import("./lib/common");
  const { ensureBenchData } = await import("./lib/bench-data");
  const runs = Number(process.env.BENCH_XLSX_RUNS ?? 3);
  let ok = true;
  for (const dialect of dialects as ("sqlite" | "postgresql")[]) {
    const name = `xlsx-export-${dialect}`;
    if (dialect === "postgresql") {
      const why = await postgresUnavailable();
      if (why) {
        note(`${name} skipped: ${why}`);
        continue;
      }
    }
    const data = await ensureBenchData({ dialect });
    const summary = await runXlsxExports({ DATABASE_URL: data.url, SESSION_SECRET: BENCH_SESSION_SECRET, BENCH_DIALECT: dialect }, runs);
    const passed = Object.values(summary.checks).every(Boolean);
    ok &&= passed;
    report({ bench: name, ok: passed, ...summary });
  }
  process.exit(ok ? 0 : 1);
}

const [first, second] = process.argv.slice(2);
const isMain = process.argv[1] !== undefined && /xlsx-export\.ts$/.test(process.argv[1]);
if (isMain) {
  if (second) await exportOnce(second);
  else await standalone(first ? process.argv.slice(2) : ["sqlite", "postgresql"]);
}
