// `npm run seed [-- --reset] [-- --now=2026-06-01T10:00:00+08:00]`
// Migrates the database named by DATABASE_URL and fills it with the demo, if it is empty.
// --reset (SQLite only) deletes the database file first; --now places the demo's dates
// around another moment (the default is now).
import { rmSync } from "node:fs";
import bcrypt from "bcryptjs";
import { redactDatabaseUrl } from "~/db/config.server";
import { migrate } from "~/db/migrate.server";
import { DEMO_PASSWORD, DEMO_USERNAMES, isEmptyDatabase, seedDemo } from "~/seed/demo.server";
import { closeDb, getDb } from "~/utils/db.server";
import { env, EnvError } from "~/utils/env.server";

function fail(message: string, code = 1): never {
  console.error(`seed: ${message}`);
  process.exit(code);
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--reset" && !a.startsWith("--now="));
  if (unknown.length) fail(`unknown argument ${unknown[0]} (use --reset and/or --now=<date>)`, 2);
  const reset = args.includes("--reset");
  const nowArg = args.find((a) => a.startsWith("--now="))?.slice("--now=".length);
  const now = nowArg ? new Date(nowArg) : undefined;
  if (now && Number.isNaN(now.getTime())) fail(`--now=${nowArg} is not a date`, 2);

  let config: ReturnType<typeof env>;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) fail(`configuration error: ${error.message}`, 2);
    throw error;
  }
  const where = redactDatabaseUrl(config.database);

  if (reset) {
    if (config.database.dialect !== "sqlite") {
      fail("--reset only deletes an embedded SQLite file; for PostgreSQL drop and recreate the database yourself", 2);
    }
    for (const suffix of ["", "-wal", "-shm"]) rmSync(config.database.file + suffix, { force: true });
    console.log(`seed: deleted ${config.database.file}`);
  }

  const migrated = await migrate(config.database);
  if (migrated.applied.length) console.log(`seed: applied migrations ${migrated.applied.join(", ")}`);

  const db = getDb();
  if (!(await isEmptyDatabase(db))) {
    console.log(`seed: ${where} already has data; nothing seeded (use --reset on SQLite to start over)`);
    return;
  }
  // One hash for every demo account: hashing 150 times at production cost would take a minute.
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, config.BCRYPT_COST);
  const summary = await seedDemo(db, { passwordHash, now });
  console.log(
    `seed: demo for ${summary.creditYear} seeded into ${where} in ${summary.milliseconds} ms\n` +
      `  ${summary.streets} streets, ${summary.areas} residential areas, ${summary.people} people, ${summary.users} accounts\n` +
      `  ${summary.competencies} competencies, ${summary.levels} levels, ${summary.courses} courses, ${summary.offerings} classes, ` +
      `${summary.sessions} sessions\n` +
      `  ${summary.enrolments} enrolments, ${summary.attendance} attendance records, ${summary.ledgerEntries} ledger entries, ` +
      `${summary.camps} camp with ${summary.teams} teams, ${summary.appraisals} appraisals\n` +
      `  sign in as ${DEMO_USERNAMES.join(", ")} or any employee number (CN0001…), password "${DEMO_PASSWORD}"`,
  );
}

main()
  .catch((error: unknown) => fail((error as Error).stack ?? String(error)))
  .finally(() => closeDb());
