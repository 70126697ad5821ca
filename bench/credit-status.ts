// `npm run bench:credit-status [-- sqlite|postgresql]`: credit balances of all 20,000 people of
// the bench data (npm run bench:data) for the current year, as the HR report reads them.
// One JSON line per measurement (median and p99 of BENCH_ROUNDS rounds, default 5), with the
// ratio to the baseline measured in the same run: the same two summary queries sent straight
// through the driver (no Prisma), i.e. what the database itself costs.
//
//   summary-sql (baseline)     the two summary statements, raw driver
//   ledger-aggregate-sql       what the summaries replaced: GROUP BY over the year's entries
//                              and the competency parts joined to them, raw driver
//   yearTotalsForPeople        app/credits/ledger.server.ts, 20,000 people
//   creditStatusesForYear      the same plus last year's totals, policies and the status rules
//   verifyLedgerSummaries      the whole ledger recomputed and compared (npm run ledger:verify)
import Database from "better-sqlite3";
import pg from "pg";
import { ensureBenchData } from "./lib/bench-data";
import { BENCH_SESSION_SECRET, median, note, percentile, postgresUnavailable, report, round, type Dialect } from "./lib/common";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const requested = process.argv.slice(2).filter((a) => a === "sqlite" || a === "postgresql") as Dialect[];
const dialects: Dialect[] = requested.length ? requested : ["sqlite", "postgresql"];

type Runner = { query: (sql: string, params: unknown[]) => Promise<unknown>; close: () => Promise<void> };

async function rawRunner(dialect: Dialect, url: string): Promise<Runner> {
  if (dialect === "sqlite") {
    const db = new Database(url.slice("file:".length), { readonly: true });
    return { query: async (sql, params) => db.prepare(sql).all(...params), close: async () => void db.close() };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { query: (sql, params) => client.query(sql, params), close: () => client.end() };
}

async function measure(name: string, work: () => Promise<unknown>, rounds = ROUNDS): Promise<number[]> {
  await work(); // warm-up: caches, prepared plans
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  note(`${name}: ${times.map((t) => Math.round(t)).join(" / ")} ms`);
  return times;
}

for (const dialect of dialects) {
  if (dialect === "postgresql") {
    const why = await postgresUnavailable();
    if (why) {
      note(`postgresql skipped: ${why}`);
      continue;
    }
  }
  const data = await ensureBenchData({ dialect });
  process.env.DATABASE_URL = data.url;
  process.env.SESSION_SECRET ||= BENCH_SESSION_SECRET;
  // Every statement here is "slow" by the server's standard (250 ms): don't log each one.
  process.env.SLOW_QUERY_MS = "600000";
  // The app's modules read the environment on first use: point them at this database.
  const holder = globalThis as { __laneEnv?: unknown; __laneDb?: unknown };
  holder.__laneEnv = undefined;
  const { closeDb, db } = await import("../app/utils/db.server");
  const { creditStatusesForYear, yearTotalsForPeople } = await import("../app/credits/ledger.server");
  const { verifyLedgerSummaries } = await import("../app/credits/verify.server");

  const year = data.shape.creditYear;
  const ids = (await db.person.findMany({ select: { id: true } })).map((p) => p.id);
  const raw = await rawRunner(dialect, data.url);
  const sqlite = dialect === "sqlite";
  const idParam = sqlite ? JSON.stringify(ids) : `{${ids.join(",")}}`;
  const inIds = sqlite ? `IN (SELECT value FROM json_each(?))` : `= ANY($2::int[])`;
  const p = (n: number) => (sqlite ? "?" : `$${n}`);
  const concat = (key: string) =>
    sqlite
      ? `group_concat("personId" || ':' || "amount" || ':' || "${key}", ',')`
      : `string_agg("personId"::text || ':' || "amount"::text || ':' || "${key}"::text, ',')`;

  const results: Record<string, number[]> = {};
  results["summary-sql"] = await measure("summary-sql", async () => {
    await raw.query(`SELECT ${concat("category")} AS v FROM "CreditSummary" WHERE "creditYear" = ${p(1)} AND "personId" ${inIds}`, [year, idParam]);
    await raw.query(`SELECT ${concat("competencyId")} AS v FROM "CreditCompetencySummary" WHERE "creditYear" = ${p(1)} AND "personId" ${inIds}`, [year, idParam]);
  });
  results["ledger-aggregate-sql"] = await measure("ledger-aggregate-sql", async () => {
    await raw.query(`SELECT "personId", "category", SUM("amount") FROM "LedgerEntry" WHERE "creditYear" = ${p(1)} GROUP BY "personId", "category"`, [year]);
    await raw.query(
      `SELECT e."personId", c."competencyId", SUM(c."amount") FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId"
       WHERE e."creditYear" = ${p(1)} GROUP BY e."personId", c."competencyId"`,
      [year],
    );
  });
  results.yearTotalsForPeople = await measure("yearTotalsForPeople", () => yearTotalsForPeople(db, year, ids));
  results.creditStatusesForYear = await measure("creditStatusesForYear", () => creditStatusesForYear(db, year, ids));
  const verify = await measure("verifyLedgerSummaries", async () => {
    const result = await verifyLedgerSummaries(db);
    if (!result.ok) throw new Error(`bench data summaries differ from the ledger (${result.differenceCount})`);
  }, Math.min(ROUNDS, 3)); // the whole ledger: seconds per round
  results.verifyLedgerSummaries = verify;

  const baseline = median(results["summary-sql"]);
  for (const [name, times] of Object.entries(results)) {
    report({
      bench: `credit-status/${dialect}/${name}`,
      people: ids.length,
      ledgerEntries: data.counts.ledgerEntries,
      rounds: ROUNDS,
      medianMs: round(median(times)),
      p99Ms: round(percentile(times, 99)),
      ratioToBaseline: round(median(times) / baseline, 2),
    });
  }
  await raw.close();
  await closeDb();
}
