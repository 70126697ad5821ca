// `npm run bench`: every benchmark in order, one JSON line per measurement on stdout, a
// summary at the end (a JSON line, and a table on stderr). Exits non-zero when an invariant
// of the enrolment burst fails or a measurement could not be taken; the catalogue's ratio aim
// (≥ 0.5 of the minimal route) is reported, not enforced.
//
//   npm run bench                      everything (about 10–12 minutes on 2 cores)
//   BENCH_ONLY=enrolment npm run bench only the enrolment burst (or: catalogue, profile,
//                                      crash, load, report)
//   CRASH_KILLS=20, BENCH_LOAD_SECONDS=60 the crash loop's kills per database, the load mix's
//                                      seconds per configuration
import os from "node:os";
import { runCatalogueThroughput, type ThroughputOutcome } from "./catalogue-throughput";
import { runCreditReportBench, type CreditReportOutcome } from "./credit-report";
import { runCrashBench, type CrashOutcome } from "./crash-loop";
import { runLoad, parseLoadArgs, type LoadOutcome } from "./load";
import { runEnrolmentBurst, type BurstOutcome } from "./enrolment-burst";
import { runImportBench, type ImportOutcome } from "./import-people";
import { buildOnce, cleanupOnSignals, note, report, runScript } from "./lib/common";

cleanupOnSignals();
const only = process.env.BENCH_ONLY;
const wanted = (part: string) => !only || only.split(",").includes(part);
const started = Date.now();
const loadBefore = os.loadavg()[0];

buildOnce();
const bursts: BurstOutcome[] = [];
const throughputs: ThroughputOutcome[] = [];
const reports: CreditReportOutcome[] = [];
let profileOk = true;
if (wanted("enrolment")) {
  bursts.push(await runEnrolmentBurst("sqlite"));
  bursts.push(await runEnrolmentBurst("postgresql"));
}
if (wanted("catalogue")) {
  throughputs.push(await runCatalogueThroughput("sqlite"));
  throughputs.push(await runCatalogueThroughput("postgresql"));
}
if (wanted("report")) {
  // The district credit report and the 20,000-row XLSX export on the bench data set.
  reports.push(await runCreditReportBench("sqlite"));
  reports.push(await runCreditReportBench("postgresql"));
}
if (wanted("profile")) {
  // In-process breakdown of the catalogue request (statements, SQL time), its own process.
  profileOk = await runScript("profile-catalogue.ts", ["40"], {}).then(
    () => true,
    (error: Error) => {
      note(error.message);
      return false;
    },
  );
}

const crashes: CrashOutcome[] = [];
if (wanted("crash")) {
  crashes.push(await runCrashBench("sqlite"));
  crashes.push(await runCrashBench("postgresql"));
}
let load: LoadOutcome | null = null;
if (wanted("load")) load = await runLoad(parseLoadArgs([]));

// HR's 10,000-person import (upload, dry run, one-transaction commit) against a raw bulk insert.
const imports: ImportOutcome[] = [];
if (wanted("import")) {
  imports.push(await runImportBench("sqlite"));
  imports.push(await runImportBench("postgresql"));
}

const ok = imports.every((i) => i.ok) && bursts.every((b) => b.ok) && throughputs.every((t) => t.ok) && reports.every((r) => r.ok) && profileOk && crashes.every((c) => c.ok) && (load?.ok ?? true);
const summary = {
  bench: "summary",
  ok,
  seconds: Math.round((Date.now() - started) / 1000),
  // Absolute figures depend on what else the machine is doing; the ratios much less.
  machine: { cpus: os.cpus().length, node: process.version, loadAverage1m: { before: loadBefore, after: os.loadavg()[0] } },
  imports: Object.fromEntries(imports.map((i) => [i.name, i.skipped ? { skipped: i.skipped } : i.summary])),
  enrolment: Object.fromEntries(
    bursts.map((b) => [
      b.name,
      b.skipped
        ? { skipped: b.skipped }
        : {
            ok: b.ok,
            throughputRps: b.summary.throughputRps,
            p50Ms: b.summary.p50Ms,
            p99Ms: b.summary.p99Ms,
            ratio: b.summary.ratio,
            failedChecks: Object.entries((b.summary.checks ?? {}) as Record<string, boolean>)
              .filter(([, passed]) => !passed)
              .map(([check]) => check),
          },
    ]),
  ),
  catalogue: Object.fromEntries(throughputs.map((t) => [t.name, t.skipped ? { skipped: t.skipped } : { ok: t.ok, ratios: t.ratios }])),
  creditReport: Object.fromEntries(reports.map((r) => [r.name, r.skipped ? { skipped: r.skipped } : { ok: r.ok, ...r.summary }])),
  crash: Object.fromEntries(
    crashes.map((c) => [c.name, c.skipped ? { skipped: c.skipped } : { ok: c.ok, kills: c.outcome!.kills, acknowledged: c.outcome!.acknowledged }]),
  ),
  load: load?.skipped
    ? { skipped: load.skipped }
    : load && {
        ok: load.ok,
        scaling2to1: load.scaling,
        runs: load.runs.map((r) => ({ instances: r.instances, rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors })),
      },
};
report(summary);

const lines = [
  "",
  "bench summary",
  ...bursts.map((b) =>
    b.skipped
      ? `  ${b.name}: skipped (${b.skipped})`
      : `  ${b.name}: ${b.ok ? "ok" : "FAILED"}  ${b.summary.throughputRps} req/s  p50 ${b.summary.p50Ms} ms  p99 ${b.summary.p99Ms} ms` +
        `  (throughput ${JSON.stringify((b.summary.ratio as { throughput: number }).throughput)}× GET /healthz)`,
  ),
  ...throughputs.map((t) =>
    t.skipped
      ? `  ${t.name}: skipped (${t.skipped})`
      : `  ${t.name}: ${t.ok ? "ok" : "FAILED"}  ` +
        Object.entries(t.ratios).map(([route, ratio]) => `${route} ${ratio}× GET /healthz`).join(", ") +
        "  (aim ≥ 0.5)",
  ),
  ...crashes.map((c) =>
    c.skipped
      ? `  ${c.name}: skipped (${c.skipped})`
      : `  ${c.name}: ${c.ok ? "ok" : "FAILED"}  ${c.outcome!.kills} kills, ${c.outcome!.acknowledged} acknowledged writes checked` +
        (c.ok ? "" : `  (${c.outcome!.checks.filter((k) => !k.ok).map((k) => k.name).join(", ")})`),
  ),
  ...(load?.skipped ? [`  ${load.name}: skipped (${load.skipped})`] : []),
  ...(load && !load.skipped
    ? [
        ...load.runs.map(
          (r) => `  ${load!.name} ×${r.instances}: ${r.rps} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}  (${r.ratioToBaseline}× GET /healthz)`,
        ),
        `  ${load.name}: 2 instances / 1 = ${load.scaling ?? "n/a"}; invariants ${load.ok ? "held" : "FAILED"}`,
      ]
    : []),
  ...imports.map((i) =>
    i.skipped
      ? `  ${i.name}: skipped (${i.skipped})`
      : `  ${i.name}: ${i.ok ? "ok" : "FAILED"}  10,000 people in ${i.summary.medianMs} ms (median; aim ≤ 15,000 ms)  ${JSON.stringify((i.summary.ratio as { importToRawInsert: number }).importToRawInsert)}× a raw bulk insert`,
  ),
  ...reports.map((r) => {
    if (r.skipped) return `  ${r.name}: skipped (${r.skipped})`;
    const s = r.summary as { report: { medianMs: number }; raw: { medianMs: number }; ratio: number; xlsx: { seconds: number; peakRssMb: number } };
    return `  ${r.name}: ${r.ok ? "ok" : "MISSED"}  median ${s.report.medianMs} ms (${s.ratio}× raw SQL ${s.raw.medianMs} ms; aims ≤ 500 ms, ≤ 3×)  XLSX 20,000 rows ${s.xlsx.seconds} s, peak ${s.xlsx.peakRssMb} MB`;
  }),
  `  ${ok ? "all invariants held" : "SOMETHING FAILED: see the lines above"} (${summary.seconds} s)`,
  "",
];
process.stderr.write(lines.join("\n"));
process.exit(ok ? 0 : 1);
