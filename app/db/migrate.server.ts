// The migration runner for both dialects. Prisma's own `migrate deploy` cannot talk to
// PostgreSQL offline here (see docs/decisions/002-two-dialects-one-schema.md), so one small
// runner applies prisma/migrations/NNNN_name/{sqlite,postgresql}.sql in order, each in its own
// transaction, and records names and checksums in "_lane_migrations". A changed checksum of
// an applied migration stops the start: history is never rewritten silently.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseConfig, Dialect } from "./config.server";
import { openSqlite } from "./sqlite.server";

export type Migration = { name: string; sql: string; checksum: string };
export type MigrationResult = { applied: string[]; alreadyApplied: number };

export class MigrationError extends Error {}

export function migrationsDir(root = process.cwd()) {
  return path.join(root, "prisma", "migrations");
}

export function loadMigrations(dialect: Dialect, dir = migrationsDir()): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+$/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, `${dialect}.sql`), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkHistory(migrations: Migration[], applied: Map<string, string>) {
  for (const [name, checksum] of applied) {
    const known = migrations.find((m) => m.name === name);
    if (!known) throw new MigrationError(`The database has migration ${name}, which this version does not know`);
    if (known.checksum !== checksum) {
      throw new MigrationError(`Migration ${name} was changed after it was applied (checksum differs)`);
    }
  }
}

export function migrateSqlite(file: string, dir = migrationsDir()): MigrationResult {
  const db = openSqlite(file);
  try {
    return migrateSqliteConnection(db, loadMigrations("sqlite", dir));
  } finally {
    db.close();
  }
}

function migrateSqliteConnection(db: Database.Database, migrations: Migration[]): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS "_lane_migrations" (
    "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TEXT NOT NULL)`);
  const rows = db.prepare(`SELECT "name", "checksum" FROM "_lane_migrations"`).all() as {
    name: string;
    checksum: string;
  }[];
  const applied = new Map(rows.map((r) => [r.name, r.checksum]));
  checkHistory(migrations, applied);
  const done: string[] = [];
  // Prisma's SQLite migrations rebuild tables (create copy, DROP, rename). With foreign keys
  // on, that DROP would fire ON DELETE actions on the rows that point at the table (e.g.
  // clear every account's unit scope). The PRAGMA is ignored inside a transaction, so it is
  // switched off around it, and the foreign keys are checked before committing instead.
  db.pragma("foreign_keys = OFF");
  try {
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      // IMMEDIATE takes the write lock first, so two processes starting together apply each
      // migration once: the second waits, then sees it recorded and skips it.
      const apply = db.transaction(() => {
        const again = db.prepare(`SELECT 1 FROM "_lane_migrations" WHERE "name" = ?`).get(migration.name);
        if (again) return false;
        db.exec(migration.sql);
        const broken = db.prepare("PRAGMA foreign_key_check").all();
        if (broken.length > 0) {
          throw new MigrationError(`Migration ${migration.name} leaves ${broken.length} broken foreign key(s)`);
        }
        db.prepare(`INSERT INTO "_lane_migrations" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`).run(
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        );
        return true;
      });
      if (apply.immediate()) done.push(migration.name);
    }
  } finally {
    db.pragma("foreign_keys = ON");
  }
  return { applied: done, alreadyApplied: migrations.length - done.length };
}

/** Any fixed number: every instance takes the same advisory lock while migrating. */
const MIGRATION_LOCK_ID = 424242;

export async function migratePostgres(url: string, dir = migrationsDir()): Promise<MigrationResult> {
  const migrations = loadMigrations("postgresql", dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_lane_migrations" (
      "name" TEXT PRIMARY KEY, "checksum" TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT "name", "checksum" FROM "_lane_migrations"`,
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkHistory(migrations, applied);
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO "_lane_migrations" ("name", "checksum") VALUES ($1, $2)`, [
          migration.name,
          migration.checksum,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return { applied: done, alreadyApplied: migrations.length - done.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end();
  }
}

export async function migrate(config: DatabaseConfig, dir = migrationsDir()): Promise<MigrationResult> {
  return config.dialect === "sqlite" ? migrateSqlite(config.file, dir) : migratePostgres(config.url, dir);
}
