import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * The pragmas every connection to the embedded database uses:
 * WAL so readers never block the writer, foreign keys enforced, FULL sync so an
 * acknowledged write survives a power cut, and a busy timeout so concurrent writers queue
 * instead of failing with SQLITE_BUSY.
 */
export const SQLITE_PRAGMAS = {
  journal_mode: "WAL",
  foreign_keys: "ON",
  synchronous: "FULL",
  busy_timeout: 10_000,
} as const;

export function applySqlitePragmas(db: Database.Database) {
  db.pragma(`journal_mode = ${SQLITE_PRAGMAS.journal_mode}`);
  db.pragma(`foreign_keys = ${SQLITE_PRAGMAS.foreign_keys}`);
  db.pragma(`synchronous = ${SQLITE_PRAGMAS.synchronous}`);
  db.pragma(`busy_timeout = ${SQLITE_PRAGMAS.busy_timeout}`);
}

export function openSqlite(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  applySqlitePragmas(db);
  return db;
}
