import type { TestProject } from "vitest/node";
import {
  createPostgresTemplate,
  createSqliteTemplate,
  dropPostgresDatabase,
  newPostgresTemplateName,
  postgresReachable,
} from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

// Vitest's `test.env` reaches the workers, not global setup, so each project names its
// dialect through its own entry point below.
export async function setupSqlite() {
  await createSqliteTemplate();
}

export async function setupPostgres(project: TestProject) {
  const problem = await postgresReachable();
  if (problem) throw new Error(`PostgreSQL is not reachable (${problem}); scripts/test.mjs skips this suite`);
  const template = newPostgresTemplateName();
  await createPostgresTemplate(template);
  project.provide("pgTemplate", template);
  return async () => dropPostgresDatabase(template);
}
