// Test databases: one migrated template per run, copied per test file, so every file starts
// from an empty, fully migrated database on either dialect.
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migratePostgres, migrateSqlite } from "../../app/db/migrate.server";

export const TMP_DIR = path.resolve(__dirname, "..", ".tmp");
export const SQLITE_TEMPLATE = path.join(TMP_DIR, "template.db");
/** One template per test run, so two checkouts testing on one server don't collide. */
export function newPostgresTemplateName() {
  return `lane_test_template_${process.pid}_${randomBytes(3).toString("hex")}`;
}

/** Where the PostgreSQL tests connect; the local socket by default (trust auth). */
export function postgresAdminUrl() {
  return process.env.TEST_POSTGRES_URL || "postgresql://postgres@localhost:5432/postgres?host=/var/run/postgresql";
}

export function postgresUrlFor(database: string) {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createSqliteTemplate() {
  mkdirSync(TMP_DIR, { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(SQLITE_TEMPLATE + suffix, { force: true });
  migrateSqlite(SQLITE_TEMPLATE);
}

export async function createPostgresTemplate(name: string) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  await migratePostgres(postgresUrlFor(name));
}

export async function dropPostgresDatabase(name: string) {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export type TestDatabase = { url: string; drop: () => Promise<void> };

export async function createTestDatabase(dialect: "sqlite" | "postgresql", pgTemplate = ""): Promise<TestDatabase> {
  const id = `${process.env.VITEST_POOL_ID ?? "0"}_${randomBytes(4).toString("hex")}`;
  if (dialect === "sqlite") {
    if (!existsSync(SQLITE_TEMPLATE)) throw new Error("SQLite template missing: run through vitest's global setup");
    const file = path.join(TMP_DIR, `test_${id}.db`);
    copyFileSync(SQLITE_TEMPLATE, file);
    return {
      url: `file:${file}`,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      },
    };
  }
  const name = `lane_test_${id}`;
  if (!pgTemplate) throw new Error("PostgreSQL template missing: run through vitest's global setup");
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate}`);
  return {
    url: postgresUrlFor(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
