// The one database client of this process, created on first use and kept on globalThis so
// the custom server, the Remix build and dev reloads all share it.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "~/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "~/generated/postgresql/client";
import pg from "pg";
import { serializeSqliteAdapter } from "~/db/serialized-sqlite-adapter.server";
import { timeAdapter } from "~/db/timed-adapter.server";
import { metrics } from "~/observability/metrics.server";
import { logger } from "~/utils/logger.server";
import { SQLITE_PRAGMAS } from "~/db/sqlite.server";
import type { DatabaseConfig, Dialect } from "~/db/config.server";
import { env } from "~/utils/env.server";

export type { Prisma } from "~/generated/sqlite/client";

/**
 * Both generated clients expose the same model API (they come from one schema), so the
 * rest of the app is written against one type.
 */
export type Db = SqliteClient;
/** A client or an interactive transaction: what domain functions accept. */
export type DbTx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

type Holder = { __laneDb?: { client: Db; dialect: Dialect; key: string } };
const holder = globalThis as unknown as Holder;

export function createDbClient(config: DatabaseConfig, poolSize = 10): Db {
  if (config.dialect === "sqlite") {
    // WAL is a property of the file (set when migrations open it); the busy timeout is a
    // connection option; the rest are per-connection PRAGMAs (checked by database.db.test.ts).
    const factory = new PrismaBetterSQLite3({ url: config.file, timeout: SQLITE_PRAGMAS.busy_timeout });
    const init = `PRAGMA foreign_keys = ${SQLITE_PRAGMAS.foreign_keys}; PRAGMA synchronous = ${SQLITE_PRAGMAS.synchronous};`;
    // Timing inside the serialising lock: the metric is the statement's own time.
    const timedFactory = timeAdapter(factory, { dialect: "sqlite", slowQueryMs: slowQueryMs() });
    return new SqliteClient({ adapter: serializeSqliteAdapter(timedFactory, init) });
  }
  const pool = new pg.Pool({ connectionString: config.url, max: poolSize });
  // An idle connection dropped by the server (restart, failover, a dropped test database) is
  // an event, not a crash: the pool replaces it on the next checkout.
  pool.on("error", (error) => logger.warn({ err: error.message }, "idle PostgreSQL connection closed by the server"));
  pools.set(poolKey(config), pool);
  metrics.gauge({
    name: "lane_db_pool_connections",
    help: "PostgreSQL pool connections of this instance by state",
    read: () => [
      { labels: { state: "total" }, value: pool.totalCount },
      { labels: { state: "idle" }, value: pool.idleCount },
      { labels: { state: "waiting" }, value: pool.waitingCount },
    ],
  });
  const adapter = timeAdapter(new PrismaPg(pool), { dialect: "postgresql", slowQueryMs: slowQueryMs() });
  return new PostgresClient({ adapter }) as unknown as Db;
}

const pools = new Map<string, pg.Pool>();
const poolKey = (config: DatabaseConfig) => config.url;

/** Statements at least this slow are logged and counted (SLOW_QUERY_MS, default 250). */
function slowQueryMs(): number {
  return env().SLOW_QUERY_MS;
}

/** The database named by the environment, opened on first use. */
export function getDb(): Db {
  const config = env().database;
  const key = config.url;
  if (holder.__laneDb && holder.__laneDb.key === key) return holder.__laneDb.client;
  const client = createDbClient(config, env().DATABASE_POOL_SIZE);
  holder.__laneDb = { client, dialect: config.dialect, key };
  return client;
}

/**
 * `db.user.findMany(…)` anywhere on the server. A lazy view of getDb(), so importing this
 * module reads no environment and opens nothing.
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const client = getDb();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export function dialect(): Dialect {
  return env().database.dialect;
}

export async function closeDb() {
  const current = holder.__laneDb;
  holder.__laneDb = undefined;
  await current?.client.$disconnect();
  // The pool is ours (handed to the adapter), so ending it is ours too.
  if (current) {
    const pool = pools.get(current.key);
    pools.delete(current.key);
    await pool?.end().catch(() => {});
  }
}
