// The two dialects' migrations must build the same schema: same tables, columns,
// nullability, column kinds, unique keys and append-only triggers. (The runner's own
// _lane_migrations table is left out: it is the one place the dialects differ on purpose.) Runs in the PostgreSQL
// project (it needs both databases); compares a freshly migrated SQLite file with this
// file's PostgreSQL test database.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateSqlite } from "../../app/db/migrate.server";

type Column = { table: string; column: string; kind: string; nullable: boolean };
type Shape = { columns: string[]; uniques: string[]; triggers: string[] };

function kindOf(type: string): string {
  const t = type.toLowerCase();
  if (t.includes("int") || t === "serial") return "integer";
  if (t.includes("char") || t === "text") return "text";
  if (t.includes("timestamp") || t === "datetime") return "datetime";
  if (t.includes("bool")) return "boolean";
  if (t.includes("real") || t.includes("double") || t.includes("numeric") || t.includes("decimal")) return "number";
  return t;
}

const describeColumn = (c: Column) => `${c.table}.${c.column}:${c.kind}:${c.nullable ? "null" : "notnull"}`;
let dir: string;

function sqliteShape(file: string): Shape {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_lane_migrations'`).all() as { name: string }[]
    ).map((t) => t.name);
    const columns: string[] = [];
    const uniques: string[] = [];
    for (const table of tables) {
      const info = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
      for (const c of info) {
        columns.push(describeColumn({ table, column: c.name, kind: kindOf(c.type), nullable: !c.notnull && !c.pk }));
      }
      const indexes = db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string }[];
      // Primary keys are compared through the columns; SQLite lists only some of them here.
      for (const index of indexes.filter((i) => i.unique && i.origin !== "pk")) {
        const cols = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name);
        uniques.push(`${table}(${cols.join(",")})`);
      }
    }
    const triggers = (
      db.prepare(`SELECT tbl_name AS "table" FROM sqlite_master WHERE type = 'trigger'`).all() as { table: string }[]
    ).map((t) => t.table);
    return { columns: columns.sort(), uniques: uniques.sort(), triggers: [...new Set(triggers)].sort() };
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: cols } = await client.query<{ table: string; column: string; type: string; nullable: string }>(
      `SELECT table_name AS "table", column_name AS "column", data_type AS "type", is_nullable AS "nullable"
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_lane_migrations'`,
    );
    const { rows: idx } = await client.query<{ table: string; columns: string[] }>(
      `SELECT t.relname AS "table", array_agg(a.attname::text ORDER BY k.ord) AS "columns"
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE i.indisunique AND NOT i.indisprimary GROUP BY i.indexrelid, t.relname`,
    );
    const { rows: trg } = await client.query<{ table: string }>(
      `SELECT DISTINCT c.relname AS "table" FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal`,
    );
    return {
      columns: cols
        .map((c) => describeColumn({ table: c.table, column: c.column, kind: kindOf(c.type), nullable: c.nullable === "YES" }))
        .sort(),
      uniques: idx.map((i) => `${i.table}(${i.columns.join(",")})`).sort(),
      triggers: trg.map((t) => t.table).sort(),
    };
  } finally {
    await client.end();
  }
}

let sqlite: Shape;
let postgres: Shape;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lane-drift-"));
  const file = path.join(dir, "drift.db");
  migrateSqlite(file);
  sqlite = sqliteShape(file);
  postgres = await postgresShape(process.env.DATABASE_URL!);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite and PostgreSQL schemas", () => {
  it("have the same tables and columns, with the same kinds and nullability", () => {
    expect(sqlite.columns.length).toBeGreaterThan(200);
    expect(postgres.columns).toEqual(sqlite.columns);
  });

  it("have the same unique keys", () => {
    expect(postgres.uniques).toEqual(sqlite.uniques);
  });

  it("put triggers on the same tables (append-only ledger, audit log and grade history; summaries)", () => {
    expect(sqlite.triggers).toEqual(["AuditEvent", "LedgerCompetency", "LedgerEntry", "MarkEvent"]);
    expect(postgres.triggers).toEqual(sqlite.triggers);
  });
});
