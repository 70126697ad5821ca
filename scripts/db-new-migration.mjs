// Writes a new migration for both dialects from the change between the schema as of the
// last migration (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma.
// No database is needed: `prisma migrate diff` compares two datamodels offline.
//
//   npm run db:new-migration -- add_thing
//
// Review the SQL it writes; append hand-written SQL (triggers, partial indexes) to both
// files where the Prisma schema cannot express it. Then run `npm run db:migrate`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SQLITE_SCHEMA, toPostgresSchema, writePostgresSchema } from "./prisma-dialects.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = path.join(root, "prisma/migrations");
const snapshotPath = path.join(migrationsDir, "schema.snapshot.prisma");

const name = (process.argv[2] ?? "").trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name in snake_case>");
  process.exit(2);
}

function diff(fromFile, toFile) {
  const args = ["migrate", "diff", "--script"];
  args.push(...(fromFile ? ["--from-schema-datamodel", fromFile] : ["--from-empty"]));
  args.push("--to-schema-datamodel", toFile);
  return execFileSync(path.join(root, "node_modules/.bin/prisma"), args, { cwd: root, encoding: "utf8" });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "lane-migration-"));
const current = readFileSync(SQLITE_SCHEMA, "utf8");
const hasSnapshot = existsSync(snapshotPath);
const fromSqlite = hasSnapshot ? snapshotPath : null;
let fromPostgres = null;
if (hasSnapshot) {
  fromPostgres = path.join(tmp, "from.postgresql.prisma");
  writeFileSync(fromPostgres, toPostgresSchema(readFileSync(snapshotPath, "utf8")));
}
writePostgresSchema();
const toPostgres = path.join(tmp, "to.postgresql.prisma");
writeFileSync(toPostgres, toPostgresSchema(current));

const sqliteSql = diff(fromSqlite, SQLITE_SCHEMA);
const postgresSql = diff(fromPostgres, toPostgres);
if (/empty migration/i.test(sqliteSql) && /empty migration/i.test(postgresSql)) {
  // Comments or formatting changed only: keep the snapshot in step so the test that compares
  // it with the schema stays meaningful.
  writeFileSync(snapshotPath, current);
  console.log("No database change since the last migration; snapshot refreshed, no migration written.");
  process.exit(0);
}

mkdirSync(migrationsDir, { recursive: true });
const next = readdirSync(migrationsDir).filter((d) => /^\d{4}_/.test(d)).length + 1;
const dir = path.join(migrationsDir, `${String(next).padStart(4, "0")}_${name}`);
mkdirSync(dir);
writeFileSync(path.join(dir, "sqlite.sql"), sqliteSql);
writeFileSync(path.join(dir, "postgresql.sql"), postgresSql);
writeFileSync(snapshotPath, current);
console.log(`Wrote ${path.relative(root, dir)}/{sqlite,postgresql}.sql`);
