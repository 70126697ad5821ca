// `npm run restore -- <backup folder> [--force]`: puts a backup made by `npm run backup` back
// into the database named by DATABASE_URL and into DATA_DIR. Stop the server first.
//
// 1. The manifest's sha256 of every file is checked: a damaged backup is refused untouched.
// 2. A target that holds data (an existing SQLite file, PostgreSQL tables with rows, uploaded
//    files) is refused unless --force.
// 3. SQLite: the copy is written to a temporary file next to the target, checked, and renamed
//    over it (atomic). PostgreSQL: pg_restore --clean --if-exists --no-owner, in one transaction.
// 4. The uploaded files replace DATA_DIR/attachments and DATA_DIR/evidence.
// 5. Pending migrations run (a backup from an older version is upgraded), then the row counts
//    are compared with the manifest's.
import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { redactDatabaseUrl, type DatabaseConfig } from "../app/db/config.server";
import { migrate } from "../app/db/migrate.server";
import {
  CommandError,
  FILE_FOLDERS,
  libpqConnection,
  listFiles,
  type Manifest,
  operatorConfig,
  PG_DUMP_FILE,
  pgTool,
  postgresRowCounts,
  readManifest,
  runTool,
  sha256File,
  SQLITE_FILE,
  sqliteRowCounts,
} from "./backup-common";

function verifyFiles(folder: string, manifest: Manifest) {
  for (const file of manifest.files) {
    const full = path.join(folder, file.path);
    if (!existsSync(full)) throw new CommandError(`the backup is incomplete: ${file.path} is missing`);
    if (statSync(full).size !== file.bytes || sha256File(full) !== file.sha256) {
      throw new CommandError(`the backup is damaged: ${file.path} does not match its sha256 in manifest.json`);
    }
  }
}

async function targetRowCounts(database: DatabaseConfig): Promise<Record<string, number>> {
  if (database.dialect === "sqlite") {
    const db = new Database(database.file, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 10000");
      return sqliteRowCounts(db);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await postgresRowCounts(client);
  } finally {
    await client.end();
  }
}

/** What in the target would be overwritten; empty when there is nothing to lose. */
async function existingData(database: DatabaseConfig, dataDir: string): Promise<string[]> {
  const found: string[] = [];
  if (database.dialect === "sqlite") {
    if (existsSync(database.file) && statSync(database.file).size > 0) found.push(`the database ${database.file}`);
  } else {
    const counts = await targetRowCounts(database);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    if (rows > 0) found.push(`${rows} rows in ${redactDatabaseUrl(database)}`);
  }
  for (const folder of FILE_FOLDERS) {
    const n = listFiles(path.join(dataDir, folder), dataDir).length;
    if (n > 0) found.push(`${n} file(s) in ${path.join(dataDir, folder)}`);
  }
  return found;
}

function restoreSqlite(backupFile: string, target: string) {
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.restore-${process.pid}.tmp`;
  copyFileSync(backupFile, temp);
  try {
    const db = new Database(temp, { fileMustExist: true });
    try {
      const check = db.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new CommandError(`the backup's database failed integrity_check: ${String(check)}`);
    } finally {
      db.close();
    }
    // The old database's write-ahead log must not be replayed onto the restored file.
    for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(target + suffix, { force: true });
    renameSync(temp, target);
  } finally {
    rmSync(temp, { force: true });
  }
}

function restorePostgres(dumpFile: string, url: string) {
  const pgRestore = pgTool("pg_restore");
  const { dbname, env } = libpqConnection(url);
  runTool(
    pgRestore,
    ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", `--dbname=${dbname}`, dumpFile],
    env,
    "pg_restore",
  );
}

/** Each uploads folder is copied beside its target, then swapped in. */
function restoreFolders(folder: string, dataDir: string): number {
  let restored = 0;
  for (const name of FILE_FOLDERS) {
    const from = path.join(folder, name);
    if (!existsSync(from)) continue;
    const target = path.join(dataDir, name);
    const incoming = `${target}.restore-${process.pid}`;
    const outgoing = `${target}.old-${process.pid}`;
    mkdirSync(dataDir, { recursive: true });
    cpSync(from, incoming, { recursive: true });
    if (existsSync(target)) renameSync(target, outgoing);
    renameSync(incoming, target);
    rmSync(outgoing, { recursive: true, force: true });
    restored += listFiles(target, dataDir).length;
  }
  return restored;
}

async function main() {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw new CommandError("usage: npm run restore -- <backup folder> [--force]");
  const folder = path.resolve(positionals[0]);
  const { database, dataDir } = operatorConfig();
  const manifest = readManifest(folder);
  if (manifest.dialect !== database.dialect) {
    throw new CommandError(`the backup is of a ${manifest.dialect} database, but DATABASE_URL names ${database.dialect}`);
  }
  verifyFiles(folder, manifest);

  const existing = await existingData(database, dataDir);
  if (existing.length > 0) {
    if (!values.force) {
      throw new CommandError(
        `the target is not empty (${existing.join("; ")}). Stop the server, then run again with --force to replace it`,
      );
    }
    console.warn(`restore: replacing ${existing.join("; ")} (--force). The server must be stopped.`);
  }

  if (database.dialect === "sqlite") restoreSqlite(path.join(folder, SQLITE_FILE), database.file);
  else restorePostgres(path.join(folder, PG_DUMP_FILE), database.url);
  const files = restoreFolders(folder, dataDir);

  const migrated = await migrate(database);
  const counts = await targetRowCounts(database);
  const differ = Object.entries(manifest.rowCounts)
    .filter(([table, n]) => counts[table] !== n)
    .map(([table, n]) => `${table}: ${counts[table] ?? "missing"} (backup had ${n})`);
  if (differ.length > 0) throw new CommandError(`restored, but the row counts differ from the manifest: ${differ.join(", ")}`);

  const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0);
  console.log(`Restored ${folder} into ${redactDatabaseUrl(database)}: ${rows} rows match the manifest, ${files} uploaded file(s).`);
  console.log(
    migrated.applied.length
      ? `Upgraded with migrations ${migrated.applied.join(", ")}.`
      : `Schema up to date (${migrated.alreadyApplied} migrations).`,
  );
}

try {
  await main();
} catch (error) {
  console.error(`restore: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
