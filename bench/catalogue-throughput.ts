// Requests per second of the catalogue page (GET /catalogue, and one filtered variant) as a
// ratio to a minimal route (GET /healthz: one `SELECT 1`, a small JSON answer) measured by
// the same client against the same server in the same run. Short rounds of each target
// alternate (A, B, C, then B, C, A, …) so that drift on a shared machine hits all of them;
// the figure of each target is its median over the rounds. A second yardstick, the smallest
// signed-in page (GET /account/password), shows what every page pays before its own content.
// Signed in as the demo learner
// `secretary` on a freshly seeded demo database.
//
//   node --import tsx bench/catalogue-throughput.ts [sqlite|postgresql|all]
import autocannon from "autocannon";
import {
  buildOnce,
  cleanupOnSignals,
  type Dialect,
  freshDatabase,
  isMain,
  median,
  note,
  postgresUnavailable,
  report,
  round,
  runCleanups,
  serverErrors,
  startInstance,
  tempDir,
} from "./lib/common";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** The aim: the catalogue serves at least half as many requests as the minimal route. */
export const CATALOGUE_RATIO_AIM = 0.5;

type Target = { name: string; path: string };
type Round = { rps: number; p50Ms: number; p99Ms: number; bytesPerResponse: number; non2xx: number; errors: number };

export type ThroughputOutcome = { name: string; ok: boolean; skipped?: string; ratios: Record<string, number> };

async function signIn(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: HTTP ${response.status}`);
  return cookie;
}

/** The id of the level ranked second (骨干), read from the filter form like a browser would. */
async function secondLevelId(url: string, cookie: string): Promise<string> {
  const html = await (await fetch(`${url}/catalogue`, { headers: { cookie } })).text();
  const select = /<select[^>]*name="level"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
  const values = [...select.matchAll(/<option value="(\d+)"/g)].map((m) => m[1]);
  if (values.length < 2) throw new Error("the catalogue page has no level filter with two levels (is the demo seeded?)");
  return values[1];
}

async function measure(url: string, cookie: string, seconds: number): Promise<Round> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { cookie, "accept-language": "zh-CN" },
  });
  const responses = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  return {
    rps: responses / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytesPerResponse: responses ? Math.round(result.throughput.total / responses) : 0,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export async function runCatalogueThroughput(dialect: Dialect): Promise<ThroughputOutcome> {
  const name = `catalogue-throughput/${dialect}`;
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      report({ bench: name, skipped: `PostgreSQL not reachable: ${why}` });
      return { name, ok: true, skipped: why, ratios: {} };
    }
  }
  try {
    const dir = tempDir(`catalogue-${dialect}`);
    const database = await freshDatabase(dialect, dir);
    buildOnce();
    note(`${name}: starting an instance that seeds the demo`);
    const instance = await startInstance({ database, dataDir: dir, label: "app", env: { SEED_DEMO: "auto" } });
    const cookie = await signIn(instance.url, "secretary", "lane-demo");
    const level = await secondLevelId(instance.url, cookie);

    const baseline: Target = { name: "GET /healthz", path: "/healthz" };
    // A second yardstick: the smallest signed-in page (same root loader and layout as every
    // page, a three-field form), to tell the catalogue's own cost from what every page pays.
    const minimalPage: Target = { name: "GET /account/password", path: "/account/password" };
    const targets: Target[] = [
      baseline,
      minimalPage,
      { name: "GET /catalogue", path: "/catalogue" },
      { name: `GET /catalogue?level=${level}`, path: `/catalogue?level=${level}` },
    ];
    for (const target of targets) await measure(`${instance.url}${target.path}`, cookie, 1); // warm-up

    const rounds = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
    note(`${name}: ${ROUNDS} rounds × ${targets.length} targets × ${ROUND_SECONDS} s, ${CONNECTIONS} connections`);
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order each round so no target always runs first (or last).
      const order = targets.map((_, i) => targets[(i + r) % targets.length]);
      for (const target of order) rounds.get(target.name)!.push(await measure(`${instance.url}${target.path}`, cookie, ROUND_SECONDS));
    }

    const baseRps = median(rounds.get(baseline.name)!.map((x) => x.rps));
    const pageRps = median(rounds.get(minimalPage.name)!.map((x) => x.rps));
    const ratios: Record<string, number> = {};
    let ok = true;
    for (const target of targets) {
      const list = rounds.get(target.name)!;
      const rps = median(list.map((x) => x.rps));
      const ratio = round(rps / baseRps, 3);
      const failed = list.reduce((sum, x) => sum + x.non2xx + x.errors, 0);
      if (failed > 0) ok = false;
      if (target !== baseline) ratios[target.name] = ratio;
      report({
        bench: name,
        route: target.name,
        connections: CONNECTIONS,
        rounds: list.length,
        roundSeconds: ROUND_SECONDS,
        medianRps: round(rps),
        p50Ms: round(median(list.map((x) => x.p50Ms))),
        p99Ms: round(median(list.map((x) => x.p99Ms))),
        bytesPerResponse: median(list.map((x) => x.bytesPerResponse)),
        rpsPerRound: list.map((x) => round(x.rps)),
        failedResponses: failed,
        baseline: baseline.name,
        ratio,
        ...(target === baseline || target === minimalPage
          ? {}
          : { aim: CATALOGUE_RATIO_AIM, meetsAim: ratio >= CATALOGUE_RATIO_AIM, ratioToMinimalPage: round(rps / pageRps, 3) }),
      });
    }
    const errors = serverErrors(instance.logFile);
    if (errors.length > 0) {
      ok = false;
      note(`${name}: server error log lines, e.g.\n${errors.slice(0, 3).join("\n")}`);
    }
    return { name, ok, ratios };
  } catch (error) {
    report({ bench: name, ok: false, error: (error as Error).message });
    return { name, ok: false, ratios: {} };
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
  for (const dialect of dialects) ok = (await runCatalogueThroughput(dialect)).ok && ok;
  process.exit(ok ? 0 : 1);
}
