// Interactive transactions that survive losing a race: one attempt per transaction, again
// when the database says two writers collided. Correctness never rests on the retry — every
// domain keeps its own guards (conditional UPDATEs, unique keys, row locks); the retry turns
// the losing side of those guards on PostgreSQL (a deadlock between two row locks, a
// serialization failure, a duplicate insert that waited for the winner to commit) into a
// second attempt that reads the new state, instead of a 500. On SQLite every transaction
// queues for the one connection (ADR 003), so conflicts are rare; the wrapper costs nothing.
import { db, type DbTx } from "~/utils/db.server";
import { isUniqueViolation, isWriteConflict } from "./errors.server";

/**
 * Waiting to start is normal under load (SQLite: the one connection; PostgreSQL: a pool
 * connection and row locks); each transaction itself is a handful of statements.
 */
export const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 20_000 } as const;

const MAX_ATTEMPTS = 6;

/**
 * Thrown inside a transaction when a conditional UPDATE found the row already changed by a
 * concurrent request: rolls the attempt back so the next one reads the new state.
 */
export class ConcurrentChange extends Error {
  constructor(what: string) {
    super(`concurrent change: ${what}`);
    this.name = "ConcurrentChange";
  }
}

/**
 * Every attempt lost a race: the caller answers "busy, try again" — 503; form actions through
 * busyActionResponse (app/db/busy-response.server.ts), or a domain's own busy error.
 */
export class TransactionBusyError extends Error {
  constructor(readonly lastError: unknown) {
    super(`transaction still conflicting after ${MAX_ATTEMPTS} attempts: ${(lastError as Error)?.message ?? lastError}`);
    this.name = "TransactionBusyError";
  }
}

export { isUniqueViolation, isWriteConflict } from "./errors.server";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type RetryOptions = {
  /**
   * Also retry a unique violation (default true): the next attempt finds the row the winner
   * inserted. Turn off where a duplicate must be refused instead (e.g. two saves of the same
   * next version: the second is a conflict to report, not to redo on top of the first).
   */
  retryUniqueViolations?: boolean;
};

/**
 * Runs `work` in a transaction, again (with a short random back-off so colliding requests
 * spread out) when it lost a race. After the last attempt a write conflict or
 * ConcurrentChange becomes TransactionBusyError; a unique violation that keeps happening is
 * a bug and is rethrown as it is. Any other error is thrown at once.
 */
export async function inTransaction<T>(work: (tx: DbTx) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retryUnique = options.retryUniqueViolations ?? true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => work(tx), TRANSACTION_OPTIONS);
    } catch (error) {
      const conflict = isWriteConflict(error) || error instanceof ConcurrentChange;
      if (!conflict && !(retryUnique && isUniqueViolation(error))) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        if (conflict) throw new TransactionBusyError(error);
        throw error;
      }
      await pause(Math.random() * 10 * attempt);
    }
  }
}
