// Recognising the database's refusals through Prisma and either driver adapter: the codes
// sit on the error or on a nested cause (adapters wrap them), never in the message. One
// place for the transaction retry wrapper and the domains that turn refusals into messages.

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

/** Serialization failure, deadlock, or Prisma's write conflict: the attempt lost a race. */
export function isWriteConflict(error: unknown): boolean {
  return errorCodes(error).some((code) => code === "P2034" || RETRYABLE_SQLSTATES.has(code));
}

/** A foreign key said no (P2003): a row is still used by another (ON DELETE RESTRICT). */
export function isForeignKeyViolation(error: unknown): boolean {
  return errorCodes(error).includes("P2003");
}
