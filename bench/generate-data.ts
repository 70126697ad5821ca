// `npm run bench:data [-- sqlite|postgresql] [-- --fresh] [-- --people=20000] [-- --years=5]`
// Builds (or reuses) the benchmark database of each dialect: data/bench/lane-bench.db and the
// PostgreSQL database lane_bench (BENCH_DATABASE_URL overrides the place of its dialect).
// Prints each step's time on stderr and one JSON line per database on stdout; then runs
// `npm run ledger:verify` against every database it built (skip with --no-verify).
import { spawnSync } from "node:child_process";
import { ensureBenchData } from "./lib/bench-data";
import { BENCH_SESSION_SECRET, note, postgresUnavailable, report, ROOT, type Dialect } from "./lib/common";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const number = (name: string) => {
  const raw = args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`bench:data: --${name} must be a positive whole number`);
    process.exit(2);
  }
  return value;
};
const known = new Set(["sqlite", "postgresql", "--fresh", "--no-verify"]);
const unknown = args.filter((a) => !known.has(a) && !/^--(people|years|seed)=/.test(a));
if (unknown.length) {
  console.error(`bench:data: unknown argument ${unknown[0]} (sqlite, postgresql, --fresh, --no-verify, --people=N, --years=N, --seed=N)`);
  process.exit(2);
}
const dialects = (args.filter((a) => a === "sqlite" || a === "postgresql") as Dialect[]).concat();
if (dialects.length === 0) dialects.push("sqlite", "postgresql");

let failed = false;
for (const dialect of dialects) {
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      note(`postgresql skipped: no server (${why})`);
      continue;
    }
  }
  const info = await ensureBenchData({
    dialect,
    fresh: flag("fresh"),
    people: number("people"),
    years: number("years"),
    seed: number("seed"),
  });
  let verify: { ok: boolean; ms: number } | null = null;
  if (!info.reused && !flag("no-verify")) {
    const started = performance.now();
    const result = spawnSync("node", ["--import", "tsx", "scripts/ledger-verify.ts"], {
      cwd: ROOT,
      env: { SESSION_SECRET: BENCH_SESSION_SECRET, ...process.env, DATABASE_URL: info.url, LOG_LEVEL: "error" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    verify = { ok: result.status === 0, ms: Math.round(performance.now() - started) };
    note(`${dialect}: ledger:verify ${verify.ok ? "clean" : "FOUND DIFFERENCES"} in ${verify.ms} ms: ${result.stdout.trim().split("\n").at(-1)}`);
    if (!verify.ok) failed = true;
  }
  report({ bench: `bench-data/${dialect}`, ...info, url: undefined, ledgerVerify: verify });
}
process.exit(failed ? 1 : 0);
