import pg from "pg";
import type { DatabaseConfig } from "../app/db/config.server";

/** Any fixed number, distinct from the migration lock. */
const STARTUP_LOCK_ID = 424243;

/**
 * Several instances may start at once against one PostgreSQL: only one at a time migrates
 * and seeds. (SQLite mode is one process; its migrations take the write lock themselves.)
 */
export async function withStartupLock<T>(config: DatabaseConfig, work: () => Promise<T>): Promise<T> {
  if (config.dialect !== "postgresql") return work();
  const client = new pg.Client({ connectionString: config.url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [STARTUP_LOCK_ID]);
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [STARTUP_LOCK_ID]).catch(() => {});
    await client.end();
  }
}
