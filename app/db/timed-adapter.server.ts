// Times every database statement into the metrics registry and logs the slow ones, for both
// dialects: the adapter is the one place every Prisma statement passes through.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { metrics } from "~/observability/metrics.server";
import { logger } from "~/utils/logger.server";

export type TimingOptions = { dialect: string; slowQueryMs: number };

async function timed<T>(options: TimingOptions, kind: string, sql: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = performance.now() - started;
    metrics.dbQueryDuration.observe({ dialect: options.dialect, kind }, ms / 1000);
    if (ms >= options.slowQueryMs) {
      metrics.slowQueries.inc({ dialect: options.dialect });
      logger.warn({ ms: Math.round(ms), sql: sql.slice(0, 500) }, "slow query");
    }
  }
}

function timeQueries<T extends Pick<SqlDriverAdapter, "queryRaw" | "executeRaw">>(target: T, options: TimingOptions) {
  return {
    queryRaw: (query: SqlQuery) => timed(options, "query", query.sql, () => target.queryRaw(query)),
    executeRaw: (query: SqlQuery) => timed(options, "execute", query.sql, () => target.executeRaw(query)),
  };
}

function timeTransaction(tx: Transaction, options: TimingOptions): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    ...timeQueries(tx, options),
    commit: () => tx.commit(),
    rollback: () => tx.rollback(),
  };
}

export function timeAdapter(factory: SqlDriverAdapterFactory, options: TimingOptions): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const inner = await factory.connect();
      const adapter: SqlDriverAdapter = {
        provider: inner.provider,
        adapterName: inner.adapterName,
        ...timeQueries(inner, options),
        executeScript: (script) => inner.executeScript(script),
        startTransaction: async (isolationLevel) => timeTransaction(await inner.startTransaction(isolationLevel), options),
        getConnectionInfo: () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false },
        dispose: () => inner.dispose(),
      };
      return adapter;
    },
  };
}
