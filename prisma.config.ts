// Prisma CLI configuration. The WASM schema engine ("js") keeps `prisma generate` and
// `prisma migrate diff` offline; this project applies migrations with its own runner
// (app/db/migrate.server.ts), so the CLI never needs a live database.
import path from "node:path";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: "file:./data/schema-tooling.db" });
  },
});
