// `npm run ledger:verify [-- --limit=1000]`
// Recomputes every credit balance from the ledger entries of the database named by
// DATABASE_URL (SQLite or PostgreSQL) and compares it with the kept summaries
// (CreditSummary, CreditCompetencySummary). Prints each difference and a summary line.
// Exit 0: clean; 1: differences found; 2: could not check (configuration, unmigrated database).
// Read-only, and safe on a live install: the comparison runs in one snapshot.
import { redactDatabaseUrl } from "../app/db/config.server";
import { describeDifference, verifyLedgerSummaries } from "../app/credits/verify.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { env, EnvError } from "../app/utils/env.server";

function fail(message: string): never {
  console.error(`ledger:verify: ${message}`);
  process.exit(2);
}

const limitArg = process.argv.slice(2).find((a) => a.startsWith("--limit="));
const unknown = process.argv.slice(2).filter((a) => a !== limitArg);
if (unknown.length) fail(`unknown argument ${unknown[0]} (use --limit=N)`);
const limit = limitArg ? Number(limitArg.slice("--limit=".length)) : 1000;
if (!Number.isInteger(limit) || limit < 1) fail("--limit must be a positive whole number");

let config: ReturnType<typeof env>;
try {
  config = env();
} catch (error) {
  if (error instanceof EnvError) fail(`configuration error: ${error.message}`);
  throw error;
}

const started = performance.now();
const db = getDb();
let exitCode = 0;
try {
  // One snapshot: on PostgreSQL a REPEATABLE READ transaction (read committed would let a
  // concurrent award land between the two comparisons); SQLite transactions are snapshots.
  const result = await db.$transaction(
    async (tx) => {
      if (config.database.dialect === "postgresql") {
        await tx.$executeRawUnsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      return verifyLedgerSummaries(tx, { limit });
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
  for (const difference of result.differences) console.log(describeDifference(difference));
  if (result.differenceCount > result.differences.length) {
    console.log(`… and ${result.differenceCount - result.differences.length} more (raise --limit to list them)`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const where = redactDatabaseUrl(config.database);
  console.log(
    result.ok
      ? `ledger:verify: clean — ${result.checked.categories} category balances and ${result.checked.competencies} competency balances match the ledger (${where}, ${seconds} s)`
      : `ledger:verify: ${result.differenceCount} difference(s) between the summaries and the ledger (${where}, ${seconds} s)`,
  );
  exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`ledger:verify: could not check: ${(error as Error).message}`);
  exitCode = 2;
} finally {
  await closeDb();
}
process.exit(exitCode);
