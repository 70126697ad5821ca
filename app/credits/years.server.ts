// Credit years: open or closed ("close the year", DOMAIN.md). A closed year is frozen: nothing
// new is booked in it. Completions go to the next open year (effectiveCreditYear in
// app/enrolment/completion.server.ts), reversals of its entries too (reverseEntry in
// ledger.server.ts, via openCreditYearFrom), and adjustments naming it are refused
// (adjustments.server.ts) because an adjustment is a statement about one specific year.
//
// Who may close, reopen or change a year's policy: administrators and district-level HR (an
// officer whose scope is a root unit). Street HR may read.
import { recordAudit } from "~/audit/audit.server";
import type { SessionUser } from "~/auth/session.server";
import { inTransaction } from "~/db/transaction.server";
import type { MessageKey } from "~/i18n/i18n";
import { db, type DbTx } from "~/utils/db.server";
import { msg } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";

/** A refused change to a year or its policy; `messageKey` is translated by the page. */
export class CreditAdminError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly field?: string,
    readonly status = 409,
  ) {
    super(messageKey);
    this.name = "CreditAdminError";
  }

  /** As a form field error (see msg in app/utils/forms.ts). */
  fieldMessage(): string {
    return msg(this.messageKey, Object.keys(this.params).length > 0 ? this.params : undefined);
  }
}

export function isCreditAdminError(error: unknown): error is CreditAdminError {
  return error instanceof CreditAdminError;
}

/** Administrators, and HR whose scope is a root unit (the district). */
export async function isDistrictLevel(client: DbTx, user: SessionUser): Promise<boolean> {
  if (user.role === "admin") return true;
  if (user.role !== "hr" || user.scopeUnitId === null) return false;
  const unit = await client.unit.findUnique({ where: { id: user.scopeUnitId }, select: { parentId: true } });
  return unit !== null && unit.parentId === null;
}

export async function requireDistrictLevel(client: DbTx, user: SessionUser) {
  if (!(await isDistrictLevel(client, user))) {
    throw new CreditAdminError("creditsAdmin.errors.districtOnly", {}, undefined, 403);
  }
}

export async function isYearClosed(client: DbTx, year: number): Promise<boolean> {
  const row = await client.creditYear.findUnique({ where: { year }, select: { status: true } });
  return row?.status === "closed";
}

/** `year` if it is open, else the first open year after it (a year without a row is open). */
export async function openCreditYearFrom(client: DbTx, year: number): Promise<number> {
  const closed = await client.creditYear.findMany({
    where: { year: { gte: year }, status: "closed" },
    select: { year: true },
    orderBy: { year: "asc" },
  });
  let candidate = year;
  for (const row of closed) {
    if (row.year !== candidate) break;
    candidate++;
  }
  return candidate;
}

export type CreditYearRow = {
  year: number;
  status: "open" | "closed";
  closedAt: Date | null;
  closedBy: string | null;
  note: string | null;
  entries: number;
  policyVersion: number | null;
};

/**
 * Every year anyone has booked, planned or closed, plus the current and the next year:
 * newest first.
 */
export async function listCreditYears(): Promise<CreditYearRow[]> {
  const current = shanghaiYear();
  const [rows, policies, ledger] = await Promise.all([
    db.creditYear.findMany({ select: { year: true, status: true, closedAt: true, closedById: true, note: true } }),
    db.creditPolicy.groupBy({ by: ["year"], _max: { version: true } }),
    db.ledgerEntry.groupBy({ by: ["creditYear"], _count: { _all: true } }),
  ]);
  const years = new Set<number>([current, current + 1]);
  for (const r of rows) years.add(r.year);
  for (const p of policies) years.add(p.year);
  for (const l of ledger) years.add(l.creditYear);
  const closerIds = rows.map((r) => r.closedById).filter((id): id is number => id !== null);
  const closers = await db.user.findMany({ where: { id: { in: closerIds } }, select: { id: true, displayName: true } });
  return [...years]
    .sort((a, b) => b - a)
    .map((year) => {
      const row = rows.find((r) => r.year === year);
      const closedById = row?.closedById ?? null;
      return {
        year,
        status: row?.status === "closed" ? "closed" : "open",
        closedAt: row?.status === "closed" ? row.closedAt : null,
        closedBy: closedById === null ? null : (closers.find((c) => c.id === closedById)?.displayName ?? null),
        note: row?.note ?? null,
        entries: ledger.find((l) => l.creditYear === year)?._count._all ?? 0,
        policyVersion: policies.find((p) => p.year === year)?._max.version ?? null,
      };
    });
}

/** Closes a year that has started (the current or a past year). Audited. */
export async function closeYear(actor: SessionUser, input: { year: number; reason: string }) {
  await requireDistrictLevel(db, actor);
  const reason = input.reason.trim();
  if (!reason) throw new CreditAdminError("errors.required", {}, "reason", 400);
  if (input.year > shanghaiYear()) {
    throw new CreditAdminError("creditsAdmin.errors.yearNotStarted", { year: input.year }, "year", 400);
  }
  // Two officers closing the same year at once: the row is made to exist first (a lost insert
  // race is retried), then closed by a conditional UPDATE, which on PostgreSQL waits for the
  // other's commit and re-checks the status, so exactly one of them closes it and audits.
  await inTransaction(async (tx) => {
    const before = await tx.creditYear.upsert({
      where: { year: input.year },
      create: { year: input.year, status: "open" },
      update: {},
    });
    const closedAt = new Date();
    const closed = await tx.creditYear.updateMany({
      where: { year: input.year, status: { not: "closed" } },
      data: { status: "closed", closedAt, closedById: actor.id, note: reason },
    });
    if (closed.count !== 1) throw new CreditAdminError("creditsAdmin.errors.yearAlreadyClosed", { year: input.year });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "credit_year.closed",
      entityType: "CreditYear",
      entityId: input.year,
      before: { status: before.status },
      after: { status: "closed" },
      reason,
    });
  });
}

/** Reopens a closed year (a reason is required). Audited. */
export async function reopenYear(actor: SessionUser, input: { year: number; reason: string }) {
  await requireDistrictLevel(db, actor);
  const reason = input.reason.trim();
  if (!reason) throw new CreditAdminError("errors.required", {}, "reason", 400);
  await inTransaction(async (tx) => {
    const before = await tx.creditYear.findUnique({ where: { year: input.year } });
    // Conditional, like closing: of two reopenings at once only one finds it closed.
    const reopened = await tx.creditYear.updateMany({
      where: { year: input.year, status: "closed" },
      data: { status: "open", closedAt: null, closedById: null, note: reason },
    });
    if (before?.status !== "closed" || reopened.count !== 1) {
      throw new CreditAdminError("creditsAdmin.errors.yearNotClosed", { year: input.year });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "credit_year.reopened",
      entityType: "CreditYear",
      entityId: input.year,
      before: { status: "closed", closedAt: before.closedAt?.toISOString() ?? null, closedById: before.closedById },
      after: { status: "open" },
      reason,
    });
  });
}
