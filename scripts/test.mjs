// The whole test command (`npm test`): every check this project has, each timed, then one
// summary table and a closing line `Tests: <P> passed, <F> failed, <S> skipped`.
//
//   npm test                                   all steps, in this order
//   node scripts/test.mjs --only unit,sqlite   a subset; steps are
//                                              typecheck, lint, unit, sqlite, postgresql, e2e
//   node scripts/test.mjs --help
//
// Steps:
//   typecheck   npx tsc
//   lint        npx eslint . --max-warnings=0
//   unit        vitest project "unit"        (pure tests)
//   sqlite      vitest project "sqlite"      (*.db.test.ts on an embedded database)
//   postgresql  vitest project "postgresql"  (the same tests on PostgreSQL, at TEST_POSTGRES_URL
//               or the local socket)
//   e2e         npx playwright test          (Debian's Chromium at CHROMIUM_PATH or
//               /usr/bin/chromium, against the built app on a fresh database)
//
// Without PostgreSQL or Chromium the matching step is SKIPPED with the reason printed, so a
// laptop without them still gets a useful run; with CI set (CI=true, as .ci/run runs it) a
// missing service is a FAILURE instead. Every step runs even after an earlier one failed, so
// the summary is complete; the exit code is 1 if any step failed.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reportDir = path.join(root, "tests/.tmp/reports");
const inCI = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

const STEP_NAMES = ["typecheck", "lint", "unit", "sqlite", "postgresql", "e2e"];

function usage() {
  return "usage: node scripts/test.mjs [--only " + STEP_NAMES.join(",") + "]";
}

function parseArgs(argv) {
  let only = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(usage());
      process.exit(0);
    } else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      if (!value) throw new Error("--only needs a comma-separated list of steps");
      only = value.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = only.filter((s) => !STEP_NAMES.includes(s));
      if (unknown.length) throw new Error(`unknown step(s): ${unknown.join(", ")}`);
    } else {
      throw new Error(`unknown argument: ${arg}`);
    }
  }
  return only ?? STEP_NAMES;
}

/** Runs a command with its output going straight to ours; resolves to its exit code. */
function run(command, args, env = {}) {
  console.log(`$ ${[command, ...args].join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Same logic as tests/support/databases.ts (postgresAdminUrl, postgresReachable). */
function postgresAdminUrl() {
  return process.env.TEST_POSTGRES_URL || "postgresql://postgres@localhost:5432/postgres?host=/var/run/postgresql";
}

function withoutPassword(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

async function postgresProblem() {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error.message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

// Each step answers { status: "pass" | "fail" | "skip", counts?, reason?, notes? }.

function vitestStep(project) {
  return async () => {
    const file = path.join(reportDir, `vitest-${project}.json`);
    rmSync(file, { force: true });
    const code = await run("npx", [
      "vitest",
      "run",
      "--project",
      project,
      "--passWithNoTests",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=${file}`,
    ]);
    const report = readJson(file);
    const notes = [];
    let counts = null;
    if (report) {
      // A test file that fails to load runs no test: count it as one failed test, so the
      // closing line cannot read "0 failed" over a broken file.
      const brokenFiles = (report.testResults ?? []).filter(
        (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
      );
      counts = {
        passed: report.numPassedTests ?? 0,
        failed: (report.numFailedTests ?? 0) + brokenFiles.length,
        skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      };
      for (const file of brokenFiles) {
        notes.push(`${path.relative(root, file.name)} failed outside its tests: ${(file.message ?? "").split("\n")[0]}`);
      }
      if (code !== 0 && counts.failed === 0) notes.push("vitest failed outside any test (see its output above)");
    } else {
      notes.push("vitest wrote no JSON report");
    }
    return { status: code === 0 ? "pass" : "fail", counts, notes };
  };
}

async function postgresqlStep() {
  const problem = await postgresProblem();
  if (problem) {
    const reason = `PostgreSQL not reachable at ${withoutPassword(postgresAdminUrl())}: ${problem}; set TEST_POSTGRES_URL or start PostgreSQL`;
    return inCI ? { status: "fail", reason: `${reason} (required in CI)` } : { status: "skip", reason };
  }
  return vitestStep("postgresql")();
}

/** Every test that passed only on a retry, as "project › file › title". */
function flakyTests(report) {
  const found = [];
  const visit = (suite, trail) => {
    const here = suite.title ? [...trail, suite.title] : trail;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === "flaky") found.push([t.projectName, ...here, spec.title].join(" › "));
      }
    }
    for (const child of suite.suites ?? []) visit(child, here);
  };
  for (const suite of report.suites ?? []) visit(suite, []);
  return found;
}

async function e2eStep() {
  const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    const reason = `Chromium not found at ${chromium}; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`;
    return inCI ? { status: "fail", reason: `${reason} (required in CI)` } : { status: "skip", reason };
  }
  const file = path.join(reportDir, "playwright.json");
  rmSync(file, { force: true });
  const code = await run("npx", ["playwright", "test"], { PLAYWRIGHT_JSON_OUTPUT_FILE: file });
  const report = readJson(file);
  const notes = [];
  let counts = null;
  if (report?.stats) {
    const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
    counts = { passed: expected + flaky, failed: unexpected, skipped };
    const flakes = flakyTests(report);
    if (flakes.length) notes.push(`passed only on retry (flaky): ${flakes.join("; ")}`);
    for (const error of report.errors ?? []) notes.push(`error: ${(error.message ?? "").split("\n")[0]}`);
  } else {
    notes.push("Playwright wrote no JSON report");
  }
  return { status: code === 0 ? "pass" : "fail", counts, notes };
}

function commandStep(command, args) {
  return async () => ({ status: (await run(command, args)) === 0 ? "pass" : "fail" });
}

const STEPS = {
  typecheck: commandStep("npx", ["tsc"]),
  lint: commandStep("npx", ["eslint", ".", "--max-warnings=0"]),
  unit: vitestStep("unit"),
  sqlite: vitestStep("sqlite"),
  postgresql: postgresqlStep,
  e2e: e2eStep,
};

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

async function main() {
  let selected;
  try {
    selected = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${usage()}`);
    process.exit(2);
  }
  mkdirSync(reportDir, { recursive: true });
  console.log(`Lane Academy tests: ${selected.join(", ")}${inCI ? " (CI: PostgreSQL and Chromium required)" : ""}`);

  const results = [];
  for (const name of STEP_NAMES.filter((s) => selected.includes(s))) {
    console.log(`\n━━ ${name} ━━`);
    const started = performance.now();
    let result;
    try {
      result = await STEPS[name]();
    } catch (error) {
      result = { status: "fail", reason: `the step itself crashed: ${error.stack ?? error}` };
    }
    result.seconds = (performance.now() - started) / 1000;
    result.name = name;
    results.push(result);
    const label = { pass: "PASSED", fail: "FAILED", skip: "SKIPPED" }[result.status];
    console.log(`━━ ${name}: ${label} in ${result.seconds.toFixed(1)} s${result.reason ? ` — ${result.reason}` : ""}`);
  }

  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];
  const header = `${pad("step", 11)} ${pad("result", 7)} ${pad("passed", 7, true)} ${pad("failed", 7, true)} ${pad("skipped", 8, true)} ${pad("seconds", 8, true)}`;
  lines.push(header, "-".repeat(header.length));
  for (const r of results) {
    const c = r.counts;
    if (c) for (const key of Object.keys(totals)) totals[key] += c[key];
    lines.push(
      `${pad(r.name, 11)} ${pad(r.status.toUpperCase(), 7)} ${pad(c ? c.passed : "-", 7, true)} ${pad(c ? c.failed : "-", 7, true)} ${pad(c ? c.skipped : "-", 8, true)} ${pad(r.seconds.toFixed(1), 8, true)}`,
    );
  }
  const totalSeconds = results.reduce((sum, r) => sum + r.seconds, 0);
  lines.push("-".repeat(header.length));
  lines.push(
    `${pad("total", 11)} ${pad("", 7)} ${pad(totals.passed, 7, true)} ${pad(totals.failed, 7, true)} ${pad(totals.skipped, 8, true)} ${pad(totalSeconds.toFixed(1), 8, true)}`,
  );

  console.log("\n━━ Summary ━━");
  console.log(lines.join("\n"));
  for (const r of results) {
    if (r.reason) console.log(`${r.name} ${r.status === "skip" ? "skipped" : "failed"}: ${r.reason}`);
    for (const note of r.notes ?? []) console.log(`${r.name}: ${note}`);
  }
  const failedSteps = results.filter((r) => r.status === "fail").map((r) => r.name);
  console.log(failedSteps.length ? `Result: FAILED (${failedSteps.join(", ")})` : "Result: OK");
  // A step that failed without a failing test (typecheck, lint, a suite CI requires but could
  // not run) still counts once, so the closing line never reads "0 failed" over a failure.
  const failedWithoutTests = results.filter((r) => r.status === "fail" && !(r.counts && r.counts.failed > 0)).length;
  console.log(`Tests: ${totals.passed} passed, ${totals.failed + failedWithoutTests} failed, ${totals.skipped} skipped`);
  process.exit(failedSteps.length ? 1 : 0);
}

await main();
