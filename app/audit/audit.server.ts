// The audit log: who changed what, when, before and after, and why. Append-only (database
// triggers refuse UPDATE and DELETE). Write it in the same transaction as the change, so
// there is never a change without its record or a record without its change.
import type { DbTx } from "~/utils/db.server";
import { requestContext } from "~/utils/request-context.server";

export type AuditInput = {
  actorId: number | null;
  action: string;
  entityType: string;
  entityId: string | number;
  personId?: number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
};

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export async function recordAudit(tx: DbTx, input: AuditInput) {
  const context = requestContext();
  await tx.auditEvent.create({
    data: {
      actorId: input.actorId,
      action: input.action,
      entityType: input.entityType,
      entityId: String(input.entityId),
      personId: input.personId ?? null,
      before: toJson(input.before),
      after: toJson(input.after),
      reason: input.reason ?? null,
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
    },
  });
}
