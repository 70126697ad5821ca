// Credit adjustments: HR records external training or a correction for a person in its
// scope, with a reason and optional evidence. Small amounts (|amount| ≤ the year's policy
// adjustmentApprovalThreshold) count at once; larger ones wait for a DIFFERENT officer in
// scope (four eyes). Points exist only as a ledger entry (sourceType "adjustment", sourceKey
// "adjustment:<id>"), so a double approval writes one entry. Every step is audited.
//
// Decisions:
// - A closed year takes no adjustment (request or approval): an adjustment is a statement
//   about one year, and moving it silently into the next would change its meaning. The
//   message says so; reopen the year (/hr/years) or choose an open year.
// - The competency attribution of a pending adjustment has no column on CreditAdjustment, so
//   it is kept in the request's audit event (append-only) and read back on approval. A
//   request without one (seeded or imported rows) gets the approver's choice of competency.
// - Evidence is checked by its first bytes (PDF, JPEG, PNG), stored under
//   DATA_DIR/evidence/ with a random name, written before the transaction (no file I/O while
//   the single SQLite connection is held, ADR 003) and removed again if the transaction fails.
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { recordAudit } from "~/audit/audit.server";
import { canAccessUnit, unitScopeWhere } from "~/auth/guards.server";
import type { SessionUser } from "~/auth/session.server";
import { db, type DbTx } from "~/utils/db.server";
import { cleanFileName, randomName, storageDir } from "~/files/storage.server";
import { awardCredits, policyForYear, splitByWeights } from "./ledger.server";
import { CreditAdminError, isYearClosed } from "./years.server";

export const ADJUSTMENT_CATEGORIES = ["external", "adjustment"] as const;
export type AdjustmentCategory = (typeof ADJUSTMENT_CATEGORIES)[number];
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

export type EvidenceKind = { mime: "application/pdf" | "image/jpeg" | "image/png"; ext: "pdf" | "jpg" | "png" };

/** The file's type from its first bytes; null for anything but PDF, JPEG and PNG. */
export function sniffEvidence(bytes: Uint8Array): EvidenceKind | null {
  const starts = (sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: "application/pdf", ext: "pdf" }; // %PDF-
  if (starts([0xff, 0xd8, 0xff])) return { mime: "image/jpeg", ext: "jpg" };
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: "image/png", ext: "png" };
  return null;
}

/** DATA_DIR/evidence, through the shared storage helper (app/files/storage.server.ts). */
export function evidenceDir() {
  return storageDir("evidence");
}

/**
 * Competency attribution: one competency, or integer weights (percent). Required, because
 * every ledger entry is split over competencies in full (awardCredits refuses shares that
 * don't add up to the amount); spreading an unattributed amount over every competency would
 * fake coverage of the policy's minimum number of competencies.
 */
export type Attribution =
  | { kind: "one"; competencyId: number }
  | { kind: "weights"; weights: { competencyId: number; weight: number }[] };

export type AdjustmentRequest = {
  employeeNo: string;
  creditYear: number;
  /** Centipoints, non-zero, may be negative. */
  amount: number;
  category: AdjustmentCategory;
  attribution: Attribution;
  reason: string;
  evidence?: { name: string; bytes: Uint8Array } | null;
};

function sharesFor(amount: number, attribution: Attribution) {
  if (attribution.kind === "one") return [{ competencyId: attribution.competencyId, amount }];
  return splitByWeights(amount, attribution.weights);
}

async function checkCompetencies(client: DbTx, attribution: Attribution) {
  const ids = attribution.kind === "one" ? [attribution.competencyId] : attribution.weights.map((w) => w.competencyId);
  if (ids.length === 0 || new Set(ids).size !== ids.length) throw new CreditAdminError("creditsAdmin.errors.weights", {}, "attribution", 400);
  const found = await client.competency.count({ where: { id: { in: ids } } });
  if (found !== ids.length) throw new CreditAdminError("creditsAdmin.errors.weights", {}, "attribution", 400);
  if (attribution.kind === "weights") {
    const total = attribution.weights.reduce((sum, w) => sum + w.weight, 0);
    if (total !== 100 || attribution.weights.some((w) => !Number.isInteger(w.weight) || w.weight <= 0)) {
      throw new CreditAdminError("creditsAdmin.errors.weights", {}, "attribution", 400);
    }
  }
}

async function personInScope(actor: SessionUser, employeeNo: string) {
  const person = await db.person.findUnique({
    where: { employeeNo: employeeNo.trim() },
    select: { id: true, name: true, employeeNo: true, unit: { select: { path: true } } },
  });
  // Someone outside the scope is answered exactly like nobody, so numbers can't be probed.
  if (!person || !canAccessUnit(actor, person.unit)) {
    throw new CreditAdminError("creditsAdmin.errors.personNotFound", {}, "employeeNo", 400);
  }
  return person;
}

function adjustmentSourceKey(id: number) {
  return `adjustment:${id}`;
}

async function bookAdjustment(
  tx: DbTx,
  adjustment: { id: number; personId: number; creditYear: number; amount: number; category: string },
  attribution: Attribution,
  actorId: number,
) {
  return awardCredits(tx, {
    personId: adjustment.personId,
    creditYear: adjustment.creditYear,
    amount: adjustment.amount,
    category: adjustment.category as AdjustmentCategory,
    sourceType: "adjustment",
    sourceKey: adjustmentSourceKey(adjustment.id),
    competencies: sharesFor(adjustment.amount, attribution),
    adjustmentId: adjustment.id,
    createdById: actorId,
  });
}

export type RequestOutcome = { adjustmentId: number; status: "approved" | "pending"; entryId: number | null };

/**
 * Records an adjustment. Within the year's threshold it is approved and booked at once;
 * above it, it waits for a second officer. Nothing is written when it is refused.
 */
export async function requestAdjustment(actor: SessionUser, input: AdjustmentRequest): Promise<RequestOutcome> {
  if (actor.role !== "hr" && actor.role !== "admin") throw new CreditAdminError("creditsAdmin.errors.forbidden", {}, undefined, 403);
  if (!Number.isInteger(input.amount) || input.amount === 0) {
    throw new CreditAdminError("creditsAdmin.errors.amountZero", {}, "amount", 400);
  }
  const reason = input.reason.trim();
  if (!reason) throw new CreditAdminError("errors.required", {}, "reason", 400);
  const person = await personInScope(actor, input.employeeNo);
  await checkCompetencies(db, input.attribution);
  sharesFor(input.amount, input.attribution);

  if (await isYearClosed(db, input.creditYear)) {
    throw new CreditAdminError("creditsAdmin.errors.adjustYearClosed", { year: input.creditYear }, "creditYear");
  }
  let evidence: { name: string; storedName: string; file: string } | null = null;
  if (input.evidence && input.evidence.bytes.byteLength > 0) {
    if (input.evidence.bytes.byteLength > MAX_EVIDENCE_BYTES) {
      throw new CreditAdminError("creditsAdmin.errors.evidenceTooLarge", { max: 10 }, "evidence", 413);
    }
    const kind = sniffEvidence(input.evidence.bytes);
    if (!kind) throw new CreditAdminError("creditsAdmin.errors.evidenceType", {}, "evidence", 400);
    const storedName = `${randomName()}.${kind.ext}`;
    const dir = evidenceDir();
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, storedName);
    await writeFile(file, input.evidence.bytes, { flag: "wx", mode: 0o600 });
    const name = input.evidence.name.trim() ? cleanFileName(input.evidence.name) : `evidence.${kind.ext}`;
    evidence = { name, storedName, file };
  }

  try {
    return await db.$transaction(async (tx) => {
      if (await isYearClosed(tx, input.creditYear)) {
        throw new CreditAdminError("creditsAdmin.errors.adjustYearClosed", { year: input.creditYear }, "creditYear");
      }
      const { rules } = await policyForYear(tx, input.creditYear);
      const status = Math.abs(input.amount) <= rules.adjustmentApprovalThreshold ? "approved" : "pending";
      const adjustment = await tx.creditAdjustment.create({
        data: {
          personId: person.id,
          creditYear: input.creditYear,
          amount: input.amount,
          category: input.category,
          reason,
          evidenceName: evidence?.name ?? null,
          evidenceStoredName: evidence?.storedName ?? null,
          status,
          requestedById: actor.id,
          ...(status === "approved" ? { decidedById: actor.id, decidedAt: new Date() } : {}),
        },
        select: { id: true, personId: true, creditYear: true, amount: true, category: true },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "credit.adjustment_requested",
        entityType: "CreditAdjustment",
        entityId: adjustment.id,
        personId: person.id,
        after: {
          status,
          creditYear: input.creditYear,
          amount: input.amount,
          category: input.category,
          attribution: input.attribution,
          evidenceName: evidence?.name ?? null,
          threshold: rules.adjustmentApprovalThreshold,
        },
        reason,
      });
      let entryId: number | null = null;
      if (status === "approved") {
        entryId = (await bookAdjustment(tx, adjustment, input.attribution, actor.id)).entry.id;
      }
      return { adjustmentId: adjustment.id, status, entryId };
    });
  } catch (error) {
    if (evidence) await unlink(evidence.file).catch(() => undefined);
    throw error;
  }
}

/** Attributions recorded with the requests (audit events), by adjustment id. */
async function recordedAttributions(client: DbTx, adjustmentIds: number[]): Promise<Map<number, Attribution>> {
  const events = await client.auditEvent.findMany({
    where: { entityType: "CreditAdjustment", entityId: { in: adjustmentIds.map(String) }, action: "credit.adjustment_requested" },
    orderBy: { id: "asc" },
    select: { entityId: true, after: true },
  });
  const result = new Map<number, Attribution>();
  for (const event of events) {
    const after = event.after ? (JSON.parse(event.after) as { attribution?: Attribution }) : {};
    const id = Number(event.entityId);
    if (after.attribution && !result.has(id)) result.set(id, after.attribution);
  }
  return result;
}

export type DecisionOutcome = { status: "approved" | "rejected"; entryId: number | null };

/**
 * A second officer in scope approves (the points are booked) or rejects (with a note) a
 * pending adjustment. The requester can never decide their own. A conditional update moves
 * the status, so of two simultaneous approvals one wins and the other is told it was
 * decided; the unique sourceKey backs that up: one ledger entry whatever happens.
 */
export async function decideAdjustment(
  actor: SessionUser,
  input: {
    adjustmentId: number;
    approve: boolean;
    note?: string | null;
    /** For requests that recorded no attribution (imported or seeded rows): the approver's choice. */
    competencyId?: number | null;
  },
): Promise<DecisionOutcome> {
  if (actor.role !== "hr" && actor.role !== "admin") throw new CreditAdminError("creditsAdmin.errors.forbidden", {}, undefined, 403);
  const note = input.note?.trim() ?? "";
  if (!input.approve && !note) throw new CreditAdminError("errors.required", {}, "note", 400);
  const adjustment = await db.creditAdjustment.findUnique({
    where: { id: input.adjustmentId },
    select: {
      id: true,
      personId: true,
      creditYear: true,
      amount: true,
      category: true,
      status: true,
      requestedById: true,
      person: { select: { unit: { select: { path: true } } } },
    },
  });
  if (!adjustment) throw new CreditAdminError("creditsAdmin.errors.notFound", {}, undefined, 404);
  if (!canAccessUnit(actor, adjustment.person.unit)) throw new CreditAdminError("creditsAdmin.errors.forbidden", {}, undefined, 403);
  if (adjustment.requestedById === actor.id) throw new CreditAdminError("creditsAdmin.errors.selfApproval", {}, undefined, 403);
  if (adjustment.status !== "pending") throw new CreditAdminError("creditsAdmin.errors.alreadyDecided");
  let attribution: Attribution | null = null;
  if (input.approve) {
    attribution = (await recordedAttributions(db, [adjustment.id])).get(adjustment.id) ?? null;
    if (!attribution) {
      if (!input.competencyId) throw new CreditAdminError("creditsAdmin.errors.attributionMissing", {}, "competencyId", 400);
      attribution = { kind: "one", competencyId: input.competencyId };
      await checkCompetencies(db, attribution);
    }
  }

  return db.$transaction(async (tx) => {
    if (input.approve && (await isYearClosed(tx, adjustment.creditYear))) {
      throw new CreditAdminError("creditsAdmin.errors.adjustYearClosed", { year: adjustment.creditYear });
    }
    const status = input.approve ? "approved" : "rejected";
    const moved = await tx.creditAdjustment.updateMany({
      where: { id: adjustment.id, status: "pending" },
      data: { status, decidedById: actor.id, decidedAt: new Date(), decisionNote: note || null },
    });
    if (moved.count !== 1) throw new CreditAdminError("creditsAdmin.errors.alreadyDecided");
    let entryId: number | null = null;
    if (attribution) entryId = (await bookAdjustment(tx, adjustment, attribution, actor.id)).entry.id;
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.approve ? "credit.adjustment_approved" : "credit.adjustment_rejected",
      entityType: "CreditAdjustment",
      entityId: adjustment.id,
      personId: adjustment.personId,
      before: { status: "pending" },
      after: { status, entryId },
      reason: note || null,
    });
    return { status, entryId };
  });
}

export const ADJUSTMENT_STATUSES = ["pending", "approved", "rejected"] as const;
export const ADJUSTMENTS_PER_PAGE = 25;

export type AdjustmentFilters = {
  status?: (typeof ADJUSTMENT_STATUSES)[number];
  year?: number;
  person?: string;
  page: number;
};

const listSelect = {
  id: true,
  creditYear: true,
  amount: true,
  category: true,
  reason: true,
  status: true,
  evidenceName: true,
  evidenceStoredName: true,
  requestedById: true,
  decidedById: true,
  decidedAt: true,
  decisionNote: true,
  createdAt: true,
  person: { select: { id: true, name: true, employeeNo: true, unit: { select: { nameZh: true, nameEn: true } } } },
} as const;

/** Adds officers' names; replaces the stored file name (never shown) by whether a file exists. */
async function withOfficerNames<T extends { requestedById: number; decidedById: number | null; evidenceStoredName: string | null }>(rows: T[]) {
  const ids = [...new Set(rows.flatMap((r) => [r.requestedById, r.decidedById]).filter((id): id is number => id !== null))];
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } });
  const name = (id: number | null) => (id === null ? null : (users.find((u) => u.id === id)?.displayName ?? null));
  return rows.map(({ evidenceStoredName, ...r }) => ({
    ...r,
    hasEvidenceFile: evidenceStoredName !== null,
    requestedBy: name(r.requestedById),
    decidedBy: name(r.decidedById),
  }));
}

/**
 * Pending adjustments in the viewer's scope, oldest first. `needsCompetency` marks requests
 * that recorded no competency attribution: the approver chooses one.
 */
export async function pendingAdjustments(viewer: SessionUser) {
  const rows = await db.creditAdjustment.findMany({
    where: { status: "pending", person: { unit: unitScopeWhere(viewer) } },
    orderBy: { id: "asc" },
    select: listSelect,
    take: 200,
  });
  const attributions = await recordedAttributions(db, rows.map((r) => r.id));
  return (await withOfficerNames(rows)).map((r) => ({ ...r, needsCompetency: !attributions.has(r.id) }));
}

/** History in the viewer's scope, newest first, filtered and paged. */
export async function adjustmentHistory(viewer: SessionUser, filters: AdjustmentFilters) {
  const person = filters.person?.trim();
  const where = {
    person: {
      unit: unitScopeWhere(viewer),
      ...(person ? { OR: [{ employeeNo: person }, { name: { contains: person } }] } : {}),
    },
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.year ? { creditYear: filters.year } : {}),
  };
  const total = await db.creditAdjustment.count({ where });
  const pages = Math.max(1, Math.ceil(total / ADJUSTMENTS_PER_PAGE));
  const page = Math.min(Math.max(1, filters.page), pages);
  const rows = await db.creditAdjustment.findMany({
    where,
    orderBy: { id: "desc" },
    skip: (page - 1) * ADJUSTMENTS_PER_PAGE,
    take: ADJUSTMENTS_PER_PAGE,
    select: listSelect,
  });
  return { rows: await withOfficerNames(rows), total, page, pages };
}

/** The evidence file of an adjustment for an officer in scope, or null (→ 404). */
export async function evidenceFor(viewer: SessionUser, adjustmentId: number) {
  const adjustment = await db.creditAdjustment.findUnique({
    where: { id: adjustmentId },
    select: { evidenceName: true, evidenceStoredName: true, person: { select: { unit: { select: { path: true } } } } },
  });
  if (!adjustment || !canAccessUnit(viewer, adjustment.person.unit)) return null;
  if (!adjustment.evidenceStoredName || !/^[0-9a-f]{32}\.(pdf|jpg|png)$/.test(adjustment.evidenceStoredName)) return null;
  const bytes = await readFile(path.join(evidenceDir(), adjustment.evidenceStoredName)).catch(() => null);
  if (!bytes) return null;
  const kind = sniffEvidence(bytes);
  if (!kind) return null;
  return { bytes, name: adjustment.evidenceName ?? adjustment.evidenceStoredName, mime: kind.mime };
}
