// Per test file: a fresh migrated database, named by DATABASE_URL before any app module
// opens one.
import { afterAll, beforeAll, inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "./databases";

let database: TestDatabase;
const dialect = process.env.TEST_DIALECT === "postgresql" ? "postgresql" : "sqlite";

beforeAll(async () => {
  database = await createTestDatabase(dialect, dialect === "postgresql" ? inject("pgTemplate") : "");
  process.env.DATABASE_URL = database.url;
  const holder = globalThis as { __laneEnv?: unknown; __laneDb?: unknown };
  holder.__laneEnv = undefined;
  holder.__laneDb = undefined;
});

afterAll(async () => {
  const { closeDb } = await import("../../app/utils/db.server");
  await closeDb();
  await database?.drop();
});
