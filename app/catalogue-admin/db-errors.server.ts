// Recognising the database's refusals through Prisma and either driver adapter: the codes
// sit on the error or on a nested cause (adapters wrap them), never in the message.

function errorCodes(error: unknown, depth = 0, found: string[] = []): string[] {
  if (!error || typeof error !== "object" || depth > 4) return found;
  const e = error as Record<string, unknown>;
  for (const field of ["code", "originalCode"]) {
    if (typeof e[field] === "string") found.push(e[field] as string);
  }
  errorCodes(e.cause, depth + 1, found);
  const meta = e.meta as Record<string, unknown> | undefined;
  if (meta) errorCodes(meta.driverAdapterError, depth + 1, found);
  return found;
}

/** A unique key said no (P2002): the double-submitted course, the code someone just took. */
export function isUniqueViolation(error: unknown): boolean {
  return errorCodes(error).includes("P2002");
}

/** A foreign key said no (P2003): a row is still used by another (ON DELETE RESTRICT). */
export function isForeignKeyViolation(error: unknown): boolean {
  return errorCodes(error).includes("P2003");
}
