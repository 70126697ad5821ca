// Derives the PostgreSQL schema from prisma/schema.prisma (the single source of truth) and
// generates both Prisma clients. Run by `npm install` (postinstall) and `npm run db:generate`.
//
//   node scripts/prisma-dialects.mjs            write the derived schema and generate clients
//   node scripts/prisma-dialects.mjs --schema   only write the derived schema
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = path.join(root, "prisma/schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma/generated/schema.postgresql.prisma");

/** The same models with the PostgreSQL provider and client output. */
export function toPostgresSchema(sqliteSchema) {
  const replaced = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/url\s*=\s*"file:[^"]*"/, 'url      = "postgresql://localhost/lane_schema_tooling"')
    .replace(/output\s*=\s*"..\/app\/generated\/sqlite"/, 'output   = "../../app/generated/postgresql"');
  if (!replaced.includes('"postgresql"') || !replaced.includes("app/generated/postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the provider/output lines this script rewrites");
  }
  return "// GENERATED from prisma/schema.prisma by scripts/prisma-dialects.mjs: do not edit.\n" + replaced;
}

export function writePostgresSchema() {
  mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, toPostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8")));
}

function prisma(args) {
  execFileSync(path.join(root, "node_modules/.bin/prisma"), args, { cwd: root, stdio: "inherit" });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writePostgresSchema();
  if (!process.argv.includes("--schema")) {
    prisma(["generate", "--schema", SQLITE_SCHEMA]);
    prisma(["generate", "--schema", POSTGRES_SCHEMA]);
  }
}
