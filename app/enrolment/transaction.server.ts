// Running enrolment writes: one interactive transaction per attempt, retried when the
// database says two writers collided. Correctness never rests on isolation: every seat and
// waiting-list change is a conditional UPDATE on the Offering row and every enrolment is
// unique per (offering, person). What a retry handles is the losing side of those guards on
// PostgreSQL (a deadlock between two HR moves, a serialization failure under SERIALIZABLE
// callers, a duplicate insert that waited for the winner to commit).
import { db, type DbTx } from "~/utils/db.server";
import { ENROLMENT_ERRORS, EnrolmentError } from "./errors";

/**
 * Many learners press "enrol" at the same moment when a popular class opens. On SQLite every
 * transaction queues for the one connection (ADR 003), on PostgreSQL for a pool connection
 * and the offering's row lock, so waiting to start is normal; each transaction itself is a
 * handful of statements.
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

const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

/** Finds a SQLSTATE or Prisma code anywhere in the error's cause chain (adapters nest them). */
function errorCodes(error: unknown, depth = 0, found: string[] = []): string[] {
  if (!error || typeof error !== "object" || depth > 4) return found;
  const e = error as Record<string, unknown>;
  for (const field of ["code", "originalCode"]) {
    if (typeof e[field] === "string") found.push(e[field] as string);
  }
  if (e.kind === "TransactionWriteConflict") found.push("P2034");
  errorCodes(e.cause, depth + 1, found);
  const meta = e.meta as Record<string, unknown> | undefined;
  if (meta) errorCodes(meta.driverAdapterError, depth + 1, found);
  return found;
}

export function isUniqueViolation(error: unknown): boolean {
  return errorCodes(error).includes("P2002");
}

function isWriteConflict(error: unknown): boolean {
  return errorCodes(error).some((code) => code === "P2034" || RETRYABLE_SQLSTATES.has(code));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in a transaction, again (with a short random back-off so colliding requests
 * spread out) when it lost a race. After the last attempt a write conflict becomes
 * enrolment.errors.busy ("try again"); a unique violation that keeps happening is a bug and
 * is rethrown as it is.
 */
export async function inTransaction<T>(work: (tx: DbTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction((tx) => work(tx), TRANSACTION_OPTIONS);
    } catch (error) {
      const conflict = isWriteConflict(error);
      const retry = conflict || error instanceof ConcurrentChange || isUniqueViolation(error);
      if (!retry) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        if (conflict || error instanceof ConcurrentChange) throw new EnrolmentError(ENROLMENT_ERRORS.busy);
        throw error;
      }
      await pause(Math.random() * 10 * attempt);
    }
  }
}
