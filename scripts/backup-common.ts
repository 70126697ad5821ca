// Shared by `npm run backup` and `npm run restore`: where things are, what a manifest holds,
// and how the PostgreSQL client tools are found.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import type pg from "pg";
import { parseDatabaseUrl, type DatabaseConfig, type Dialect } from "../app/db/config.server";

/** The folders under DATA_DIR that hold uploads (HR import originals too); all are backed up and restored. */
export const FILE_FOLDERS = ["attachments", "evidence", "imports"] as const;
export const SQLITE_FILE = "lane.db";
export const PG_DUMP_FILE = "lane.dump";

export type ManifestFile = { path: string; bytes: number; sha256: string };
export type Manifest = {
  format: "lane-backup/1";
  createdAt: string;
  dialect: Dialect;
  database: string;
  migrations: string[];
  rowCounts: Record<string, number>;
  files: ManifestFile[];
};

export class CommandError extends Error {}

/**
 * DATABASE_URL and DATA_DIR read as the server reads them (same defaults), without the rest
 * of the server's environment: a backup needs no SESSION_SECRET.
 */
export function operatorConfig(source = process.env): { database: DatabaseConfig; dataDir: string } {
  return {
    database: parseDatabaseUrl(source.DATABASE_URL),
    dataDir: path.resolve(source.DATA_DIR || "./data"),
  };
}

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Every regular file under `dir`, as paths relative to `base` with forward slashes. */
export function listFiles(dir: string, base: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else if (entry.isFile()) out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out.sort();
}

export function describeFile(folder: string, relative: string): ManifestFile {
  const full = path.join(folder, relative);
  return { path: relative, bytes: statSync(full).size, sha256: sha256File(full) };
}

/** Tables counted in a manifest: every table of the app (the runner's own table is listed apart). */
export function sqliteRowCounts(db: Database.Database): Record<string, number> {
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_lane_migrations' ORDER BY name`,
    )
    .all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
  }
  return counts;
}

export function sqliteMigrations(db: Database.Database): string[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_lane_migrations'`).get();
  if (!exists) return [];
  return (db.prepare(`SELECT name FROM "_lane_migrations" ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

export async function postgresRowCounts(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_lane_migrations'
     ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name.replace(/"/g, '""')}"`);
    counts[table_name] = Number(result.rows[0].n);
  }
  return counts;
}

export async function postgresMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ exists: boolean }>(
    `SELECT to_regclass('"_lane_migrations"') IS NOT NULL AS exists`,
  );
  if (!rows[0].exists) return [];
  const names = await client.query<{ name: string }>(`SELECT name FROM "_lane_migrations" ORDER BY name`);
  return names.rows.map((r) => r.name);
}

/**
 * A PostgreSQL client tool (pg_dump / pg_restore), from PG_DUMP / PG_RESTORE if set, else
 * PATH. Refuses with a clear message when it is missing.
 */
export function pgTool(name: "pg_dump" | "pg_restore"): string {
  const command = process.env[name.toUpperCase()] || name;
  const probe = spawnSync(command, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new CommandError(
      `${name} not found (${command}); install the PostgreSQL client tools (same major version as the server or newer), or set ${name.toUpperCase()} to its path`,
    );
  }
  return command;
}

/**
 * libpq's arguments for a connection string: the password moves to PGPASSWORD, so it does not
 * show in the process list.
 */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (parsed.password) {
    env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = "";
  }
  return { dbname: parsed.toString(), env };
}

export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, what: string) {
  const result = spawnSync(command, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new CommandError(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout || "").trim().split("\n").slice(-3).join(" / ");
    throw new CommandError(`${what} failed (exit ${result.status}): ${detail}`);
  }
  return result;
}

export function readManifest(folder: string): Manifest {
  const file = path.join(folder, "manifest.json");
  if (!existsSync(file)) throw new CommandError(`${folder} is not a backup (no manifest.json)`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  if (manifest.format !== "lane-backup/1") throw new CommandError(`${file}: unknown format ${String(manifest.format)}`);
  return manifest;
}
