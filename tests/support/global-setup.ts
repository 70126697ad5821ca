import { createPostgresTemplate, createSqliteTemplate, postgresReachable } from "./databases";

// Vitest's `test.env` reaches the workers, not global setup, so each project names its
// dialect through its own entry point below.
export async function setupSqlite() {
  await createSqliteTemplate();
}

export async function setupPostgres() {
  const problem = await postgresReachable();
  if (problem) throw new Error(`PostgreSQL is not reachable (${problem}); scripts/test.mjs skips this suite`);
  await createPostgresTemplate();
}
