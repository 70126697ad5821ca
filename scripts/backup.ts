// `npm run backup [-- --out <folder>]`: a consistent backup of the database named by
// DATABASE_URL and of the uploaded files under DATA_DIR, safe to take while the server runs.
//
//   backups/lane-<UTC timestamp>/
//     lane.db | lane.dump      SQLite: online backup API copy; PostgreSQL: pg_dump --format=custom
//     attachments/ evidence/   copies of DATA_DIR/attachments and DATA_DIR/evidence (if present)
//     manifest.json            dialect, migrations applied, row counts, sha256 of every file
//
// manifest.json is written last: a folder without it is an interrupted backup.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { redactDatabaseUrl } from "../app/db/config.server";
import {
  CommandError,
  describeFile,
  FILE_FOLDERS,
  libpqConnection,
  listFiles,
  type Manifest,
  operatorConfig,
  PG_DUMP_FILE,
  pgTool,
  postgresMigrations,
  postgresRowCounts,
  runTool,
  SQLITE_FILE,
  sqliteMigrations,
  sqliteRowCounts,
} from "./backup-common";

function timestamp(date = new Date()) {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

type Snapshot = { migrations: string[]; rowCounts: Record<string, number> };

/**
 * SQLite's online backup API on a connection of our own. All pages go in one step, inside one
 * read transaction, so the copy is one consistent point in time even while the server writes
 * (WAL: the writer is not blocked). The copy is switched to a plain rollback journal so it is
 * one self-contained file.
 */
async function backupSqlite(file: string, dest: string): Promise<Snapshot> {
  if (!existsSync(file)) throw new CommandError(`no database at ${file}`);
  const source = new Database(file, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 10000");
    await source.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new CommandError(`the copy failed its check: ${String(check)}`);
    return { migrations: sqliteMigrations(copy), rowCounts: sqliteRowCounts(copy) };
  } finally {
    copy.close();
  }
}

/**
 * pg_dump in the custom format, from a snapshot this process exported: the manifest's counts
 * are of exactly the data in the dump, even while the server writes.
 */
async function backupPostgres(url: string, dest: string): Promise<Snapshot> {
  const pgDump = pgTool("pg_dump");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id");
    const migrations = await postgresMigrations(client);
    const rowCounts = await postgresRowCounts(client);
    const { dbname, env } = libpqConnection(url);
    runTool(pgDump, ["--format=custom", `--snapshot=${rows[0].id}`, `--file=${dest}`, `--dbname=${dbname}`], env, "pg_dump");
    await client.query("COMMIT");
    return { migrations, rowCounts };
  } finally {
    await client.end().catch(() => {});
  }
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const { database, dataDir } = operatorConfig();
  const out = path.resolve(values.out ?? path.join("backups", `lane-${timestamp()}`));
  if (existsSync(out) && readdirSync(out).length > 0) throw new CommandError(`${out} exists and is not empty`);
  mkdirSync(out, { recursive: true });
  try {
    const dbFile = database.dialect === "sqlite" ? SQLITE_FILE : PG_DUMP_FILE;
    const snapshot =
      database.dialect === "sqlite"
        ? await backupSqlite(database.file, path.join(out, dbFile))
        : await backupPostgres(database.url, path.join(out, dbFile));

    // The files after the database: a file uploaded in between is kept (harmless), while a
    // row never points at a file the backup lacks unless it was deleted in between.
    for (const folder of FILE_FOLDERS) {
      const from = path.join(dataDir, folder);
      if (existsSync(from)) cpSync(from, path.join(out, folder), { recursive: true });
    }
    const files = [dbFile, ...FILE_FOLDERS.flatMap((f) => listFiles(path.join(out, f), out))].map((f) =>
      describeFile(out, f),
    );
    const manifest: Manifest = {
      format: "lane-backup/1",
      createdAt: new Date().toISOString(),
      dialect: database.dialect,
      database: redactDatabaseUrl(database),
      migrations: snapshot.migrations,
      rowCounts: snapshot.rowCounts,
      files,
    };
    writeFileSync(path.join(out, "manifest.json.tmp"), JSON.stringify(manifest, null, 2) + "\n");
    renameSync(path.join(out, "manifest.json.tmp"), path.join(out, "manifest.json"));
    const rows = Object.values(snapshot.rowCounts).reduce((a, b) => a + b, 0);
    console.log(
      `Backed up ${redactDatabaseUrl(database)} (${database.dialect}, ${snapshot.migrations.length} migrations, ` +
        `${rows} rows) and ${files.length - 1} uploaded file(s) to ${out}`,
    );
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
}

try {
  await main();
} catch (error) {
  console.error(`backup: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
