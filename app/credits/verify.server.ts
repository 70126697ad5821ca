// Proof that the kept balances (CreditSummary, CreditCompetencySummary, maintained by the
// ledger triggers of migration 0003) are what the entries say. Everything is recomputed from
// LedgerEntry / LedgerCompetency in SQL and compared row by row with a full outer join, so a
// missing summary row, a row without entries behind it and a wrong figure all show up.
// Used by `npm run ledger:verify`, the bench data generator and the crash-safety tests.
import type { DbTx } from "~/utils/db.server";

export type SummaryDifference = {
  table: "CreditSummary" | "CreditCompetencySummary";
  personId: number;
  creditYear: number;
  /** The category (CreditSummary) or the competency id (CreditCompetencySummary). */
  key: string;
  expected: { amount: number; entries: number | null } | null;
  stored: { amount: number; entries: number | null } | null;
};

export type LedgerVerification = {
  ok: boolean;
  /** Rows compared: distinct person/year/category and person/year/competency combinations. */
  checked: { categories: number; competencies: number };
  differences: SummaryDifference[];
  /** Differences found in all (the list stops at `limit`). */
  differenceCount: number;
};

type DiffRow = {
  personId: number | bigint;
  creditYear: number | bigint;
  key: string | number | bigint;
  expectedAmount: number | bigint | null;
  expectedEntries: number | bigint | null;
  storedAmount: number | bigint | null;
  storedEntries: number | bigint | null;
};

const num = (value: number | bigint | null) => (value === null ? null : Number(value));

// FULL OUTER JOIN: PostgreSQL, and SQLite since 3.39 (better-sqlite3 12 ships 3.5x).
const CATEGORY_DIFFERENCES = `
  WITH expected AS (
    SELECT "personId", "creditYear", "category", SUM("amount") AS "amount", COUNT(*) AS "entries"
    FROM "LedgerEntry" GROUP BY "personId", "creditYear", "category"
  )
  SELECT COALESCE(e."personId", s."personId") AS "personId",
         COALESCE(e."creditYear", s."creditYear") AS "creditYear",
         COALESCE(e."category", s."category") AS "key",
         e."amount" AS "expectedAmount", e."entries" AS "expectedEntries",
         s."amount" AS "storedAmount", s."entries" AS "storedEntries"
  FROM expected e
  FULL OUTER JOIN "CreditSummary" s
    ON s."personId" = e."personId" AND s."creditYear" = e."creditYear" AND s."category" = e."category"
  WHERE e."personId" IS NULL OR s."personId" IS NULL
     OR e."amount" <> s."amount" OR e."entries" <> s."entries"
  ORDER BY 1, 2, 3`;

const COMPETENCY_DIFFERENCES = `
  WITH expected AS (
    SELECT e."personId", e."creditYear", c."competencyId", SUM(c."amount") AS "amount"
    FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId"
    GROUP BY e."personId", e."creditYear", c."competencyId"
  )
  SELECT COALESCE(x."personId", s."personId") AS "personId",
         COALESCE(x."creditYear", s."creditYear") AS "creditYear",
         COALESCE(x."competencyId", s."competencyId") AS "key",
         x."amount" AS "expectedAmount", CAST(NULL AS INTEGER) AS "expectedEntries",
         s."amount" AS "storedAmount", CAST(NULL AS INTEGER) AS "storedEntries"
  FROM expected x
  FULL OUTER JOIN "CreditCompetencySummary" s
    ON s."personId" = x."personId" AND s."creditYear" = x."creditYear" AND s."competencyId" = x."competencyId"
  WHERE x."personId" IS NULL OR s."personId" IS NULL OR x."amount" <> s."amount"
  ORDER BY 1, 2, 3`;

function toDifference(table: SummaryDifference["table"], row: DiffRow): SummaryDifference {
  return {
    table,
    personId: Number(row.personId),
    creditYear: Number(row.creditYear),
    key: String(row.key),
    expected: row.expectedAmount === null ? null : { amount: Number(row.expectedAmount), entries: num(row.expectedEntries) },
    stored: row.storedAmount === null ? null : { amount: Number(row.storedAmount), entries: num(row.storedEntries) },
  };
}

/**
 * Recomputes every balance from the ledger and compares it with the kept summaries.
 * Read-only; run it on a quiet database or inside one transaction (`client` may be a
 * transaction) for a consistent snapshot. Lists at most `limit` differences.
 */
export async function verifyLedgerSummaries(client: DbTx, options: { limit?: number } = {}): Promise<LedgerVerification> {
  const limit = options.limit ?? 1000;
  const categories = await client.$queryRawUnsafe<DiffRow[]>(CATEGORY_DIFFERENCES);
  const competencies = await client.$queryRawUnsafe<DiffRow[]>(COMPETENCY_DIFFERENCES);
  const [counts] = await client.$queryRawUnsafe<{ categories: number | bigint; competencies: number | bigint }[]>(
    `SELECT (SELECT COUNT(*) FROM "CreditSummary") AS "categories", (SELECT COUNT(*) FROM "CreditCompetencySummary") AS "competencies"`,
  );
  const all = [
    ...categories.map((row) => toDifference("CreditSummary", row)),
    ...competencies.map((row) => toDifference("CreditCompetencySummary", row)),
  ];
  return {
    ok: all.length === 0,
    checked: { categories: Number(counts.categories), competencies: Number(counts.competencies) },
    differences: all.slice(0, limit),
    differenceCount: all.length,
  };
}

/** One line per difference, for the operator's terminal. */
export function describeDifference(difference: SummaryDifference): string {
  const what = difference.table === "CreditSummary" ? `category ${difference.key}` : `competency ${difference.key}`;
  const side = (value: SummaryDifference["expected"]) =>
    value === null ? "no row" : value.entries === null ? `${value.amount}` : `${value.amount} (${value.entries} entries)`;
  return `person ${difference.personId}, year ${difference.creditYear}, ${what}: expected ${side(difference.expected)}, stored ${side(difference.stored)}`;
}
