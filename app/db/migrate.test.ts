import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMigrations, MigrationError, migrateSqlite } from "~/db/migrate.server";

let dir: string;
let migrations: string;
let file: string;

function write(name: string, sql: string) {
  mkdirSync(path.join(migrations, name), { recursive: true });
  writeFileSync(path.join(migrations, name, "sqlite.sql"), sql);
  writeFileSync(path.join(migrations, name, "postgresql.sql"), sql);
}

function query<T>(sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lane-migrate-"));
  migrations = path.join(dir, "migrations");
  file = path.join(dir, "test.db");
  write(
    "0001_init",
    `CREATE TABLE "Parent" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL);
     CREATE TABLE "Child" ("id" INTEGER PRIMARY KEY,
       "parentId" INTEGER REFERENCES "Parent" ("id") ON DELETE SET NULL);
     INSERT INTO "Parent" VALUES (1, 'p');
     INSERT INTO "Child" VALUES (1, 1);`,
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the migration runner", () => {
  it("applies pending migrations once, in order", () => {
    write("0002_more", `ALTER TABLE "Parent" ADD COLUMN "note" TEXT;`);
    expect(migrateSqlite(file, migrations)).toEqual({ applied: ["0001_init", "0002_more"], alreadyApplied: 0 });
    expect(migrateSqlite(file, migrations)).toEqual({ applied: [], alreadyApplied: 2 });
    expect(query<{ journal_mode: string }>("PRAGMA journal_mode")[0].journal_mode).toBe("wal");
  });

  it("keeps foreign keys intact when a migration rebuilds a referenced table", () => {
    migrateSqlite(file, migrations);
    // The way Prisma rebuilds a SQLite table to change a column.
    write(
      "0002_rebuild_parent",
      `PRAGMA foreign_keys=OFF;
       CREATE TABLE "new_Parent" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "rank" INTEGER NOT NULL DEFAULT 0);
       INSERT INTO "new_Parent" ("id", "name") SELECT "id", "name" FROM "Parent";
       DROP TABLE "Parent";
       ALTER TABLE "new_Parent" RENAME TO "Parent";
       PRAGMA foreign_keys=ON;`,
    );
    migrateSqlite(file, migrations);
    expect(query<{ parentId: number | null }>(`SELECT "parentId" FROM "Child"`)).toEqual([{ parentId: 1 }]);
  });

  it("rolls back a failing migration entirely and does not record it", () => {
    migrateSqlite(file, migrations);
    write("0002_broken", `CREATE TABLE "Half" ("id" INTEGER); INSERT INTO "Nope" VALUES (1);`);
    expect(() => migrateSqlite(file, migrations)).toThrow();
    expect(query(`SELECT name FROM sqlite_master WHERE name = 'Half'`)).toEqual([]);
    expect(query<{ name: string }>(`SELECT name FROM _lane_migrations`).map((r) => r.name)).toEqual(["0001_init"]);
  });

  it("refuses to run when an applied migration was edited afterwards", () => {
    migrateSqlite(file, migrations);
    write("0001_init", readFileSync(path.join(migrations, "0001_init", "sqlite.sql"), "utf8") + "\n-- edited");
    expect(() => migrateSqlite(file, migrations)).toThrow(MigrationError);
  });

  it("refuses a database that has migrations this version does not know", () => {
    write("0002_future", `SELECT 1;`);
    migrateSqlite(file, migrations);
    rmSync(path.join(migrations, "0002_future"), { recursive: true });
    expect(() => migrateSqlite(file, migrations)).toThrow(/does not know/);
  });
});

describe("the committed migrations", () => {
  it("cover the current schema: prisma/schema.prisma has no change without a migration", () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8");
    const snapshot = readFileSync("prisma/migrations/schema.snapshot.prisma", "utf8");
    // Run `npm run db:new-migration -- <name>` when this fails.
    expect(snapshot).toBe(schema);
  });

  it("exist for both dialects", () => {
    const sqlite = loadMigrations("sqlite").map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(loadMigrations("postgresql").map((m) => m.name)).toEqual(sqlite);
  });
});
