// Environment, validated once at boot. A missing or malformed value stops the server with
// one line that says which variable and why (see server/index.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { parseDatabaseUrl, type DatabaseConfig, DatabaseUrlError } from "~/db/config.server";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z.string().optional(),
  SESSION_SECRET: z
    .string()
    .min(32, "SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    .optional(),
  /**
   * Secrets being rotated out, comma-separated: cookies signed with them are still accepted
   * until their sessions end (at most 30 days), so a rotation signs nobody out.
   */
  SESSION_SECRET_PREVIOUS: z
    .string()
    .optional()
    .transform((value) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(32, "each SESSION_SECRET_PREVIOUS entry must be at least 32 characters"))),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  SEED_DEMO: z.enum(["auto", "never"]).default("auto"),
  COOKIE_SECURE: z.enum(["auto", "always", "never"]).default("auto"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().default("./data"),
  SLOW_QUERY_MS: z.coerce.number().int().min(1).max(600_000).default(250),
  /** When set, GET /metrics also answers requests that send `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
});

export type Env = Omit<z.infer<typeof EnvSchema>, "DATABASE_URL" | "SESSION_SECRET"> & {
  database: DatabaseConfig;
  SESSION_SECRET: string;
  dataDir: string;
};

export class EnvError extends Error {}

/**
 * The embedded demo needs no setup: without SESSION_SECRET it keeps a random one in the data
 * folder. PostgreSQL mode serves several instances, which must share one secret, so there it
 * is required.
 */
function sessionSecretFor(database: DatabaseConfig, given: string | undefined, dataDir: string): string {
  if (given) return given;
  if (database.dialect === "postgresql") {
    throw new EnvError("SESSION_SECRET is required with PostgreSQL (every instance must share it)");
  }
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvError(`${issue.path.join(".")}: ${issue.message}`);
  }
  const { DATABASE_URL, SESSION_SECRET, ...rest } = parsed.data;
  let database: DatabaseConfig;
  try {
    database = parseDatabaseUrl(DATABASE_URL);
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new EnvError(error.message);
    throw error;
  }
  const dataDir = path.resolve(rest.DATA_DIR);
  return { ...rest, database, dataDir, SESSION_SECRET: sessionSecretFor(database, SESSION_SECRET, dataDir) };
}

const globalForEnv = globalThis as unknown as { __laneEnv?: Env };

/** The validated environment of this process (validated on first use, then cached). */
export function env(): Env {
  globalForEnv.__laneEnv ??= loadEnv();
  return globalForEnv.__laneEnv;
}

/** What the browser may see: nothing secret. */
export function publicEnv() {
  return { database: env().database.dialect };
}
