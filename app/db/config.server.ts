import path from "node:path";

export type Dialect = "sqlite" | "postgresql";

export type DatabaseConfig =
  | { dialect: "sqlite"; file: string; url: string }
  | { dialect: "postgresql"; url: string };

export class DatabaseUrlError extends Error {}

/**
 * Reads DATABASE_URL: `file:<path>` (embedded SQLite, the default) or
 * `postgresql://…` / `postgres://…`. Anything else is a configuration error that stops
 * the server at start with one line.
 */
export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): DatabaseConfig {
  const value = (raw ?? "").trim() || "file:./data/lane.db";
  if (value.startsWith("file:")) {
    const filePart = value.slice("file:".length).split("?")[0];
    if (!filePart) throw new DatabaseUrlError("DATABASE_URL file: needs a path, e.g. file:./data/lane.db");
    const file = path.resolve(cwd, filePart);
    return { dialect: "sqlite", file, url: `file:${file}` };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new DatabaseUrlError("DATABASE_URL is not a valid postgresql:// URL");
    }
    const database = parsed.pathname.replace(/^\//, "");
    if (!database) throw new DatabaseUrlError("DATABASE_URL must name a database, e.g. postgresql://user@host:5432/lane");
    return { dialect: "postgresql", url: value };
  }
  throw new DatabaseUrlError(
    `DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); got "${value.slice(0, 40)}"`,
  );
}

/** A display-safe form of a connection string: no password. */
export function redactDatabaseUrl(config: DatabaseConfig): string {
  if (config.dialect === "sqlite") return config.url;
  const u = new URL(config.url);
  if (u.password) u.password = "***";
  return u.toString();
}
