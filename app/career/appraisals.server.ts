// The annual appraisal (年度考核): HR records each person's rating for a year, street by
// street, beside their credit status. The rules (quota of 优秀, credits required for 优秀,
// closed year required) are data: see appraisal-rules.ts. Every created or changed rating is
// audited in the same transaction; a change needs a reason.
import { recordAudit } from "~/audit/audit.server";
import { canAccessUnit, subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear } from "~/credits/ledger.server";
import { inTransaction } from "~/db/transaction.server";
import type { MessageKey } from "~/i18n/i18n";
import { db, dialect, type DbTx } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import {
  APPRAISAL_RULES_KEY,
  AppraisalRulesSchema,
  excellentCap,
  parseAppraisalRules,
  serializeAppraisalRules,
  type AppraisalRules,
} from "./appraisal-rules";
import { isRating, type Rating } from "./ladder";

/** A refused career change: a message key under career.* and its figures. */
export class CareerError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly status: 400 | 403 | 404 | 409 = 409,
  ) {
    super(`${messageKey} ${JSON.stringify(params)}`);
    this.name = "CareerError";
  }
}

export async function loadAppraisalRules(client: DbTx = db): Promise<AppraisalRules> {
  const row = await client.setting.findUnique({ where: { key: APPRAISAL_RULES_KEY }, select: { value: true } });
  return parseAppraisalRules(row?.value);
}

export async function saveAppraisalRules(actorId: number, input: unknown, reason: string): Promise<AppraisalRules> {
  const rules = AppraisalRulesSchema.parse(input);
  const value = serializeAppraisalRules(rules);
  await inTransaction(async (tx) => {
    const before = await loadAppraisalRules(tx);
    await tx.setting.upsert({ where: { key: APPRAISAL_RULES_KEY }, create: { key: APPRAISAL_RULES_KEY, value }, update: { value } });
    await recordAudit(tx, {
      actorId,
      action: "appraisal.rules_changed",
      entityType: "Setting",
      entityId: APPRAISAL_RULES_KEY,
      before,
      after: rules,
      reason,
    });
  });
  return rules;
}

/** The streets this viewer may appraise: the quota is counted per street. */
export async function appraisalStreets(viewer: SessionUser) {
  const streets = await db.unit.findMany({
    where: { kind: "street", archivedAt: null },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: { id: true, nameZh: true, nameEn: true, path: true },
  });
  return streets.filter((street) => canAccessUnit(viewer, street));
}

async function streetInScope(client: DbTx, viewer: SessionUser, streetId: number) {
  const street = await client.unit.findUnique({ where: { id: streetId }, select: { id: true, kind: true, path: true } });
  if (!street || street.kind !== "street") throw new CareerError("career.errors.streetNotFound", {}, 404);
  if (!canAccessUnit(viewer, street)) throw new CareerError("career.errors.forbidden", {}, 403);
  return street;
}

function streetPeople(client: DbTx, path: string) {
  return client.person.findMany({
    where: { active: true, unit: subtreeWhere(path) },
    orderBy: { employeeNo: "asc" },
    select: {
      id: true,
      employeeNo: true,
      name: true,
      postTypeCode: true,
      grade: true,
      unit: { select: { nameZh: true, nameEn: true } },
    },
  });
}

/** One street's people for a year: rating, credit status, and the 优秀 quota. */
export async function appraisalSheet(viewer: SessionUser, input: { year: number; streetId: number }) {
  const street = await streetInScope(db, viewer, input.streetId);
  const [rules, people, creditYear] = await Promise.all([
    loadAppraisalRules(),
    streetPeople(db, street.path),
    db.creditYear.findUnique({ where: { year: input.year }, select: { status: true } }),
  ]);
  const ids = people.map((p) => p.id);
  const [statuses, appraisals] = await Promise.all([
    creditStatusesForYear(db, input.year, ids),
    db.appraisal.findMany({ where: { year: input.year, personId: { in: ids } }, select: { personId: true, rating: true, note: true } }),
  ]);
  const ratingBy = new Map(appraisals.map((a) => [a.personId, a]));
  const rows = people.map((p) => {
    const status = statuses.get(p.id)!;
    const appraisal = ratingBy.get(p.id);
    return {
      ...p,
      rating: appraisal && isRating(appraisal.rating) ? appraisal.rating : null,
      credit: { counted: status.counted, required: status.required, met: status.met, reasons: status.reasons, notes: status.notes },
    };
  });
  return {
    rules,
    yearStatus: creditYear?.status ?? "open",
    headcount: people.length,
    cap: excellentCap(people.length, rules),
    excellentCount: rows.filter((r) => r.rating === "excellent").length,
    people: rows,
  };
}

export type RatingInput = { personId: number; rating: Rating };

/**
 * Records ratings for people of one street and year. All or nothing: the quota is checked
 * on the street's ratings as they would be after the save.
 */
export async function recordAppraisals(
  actor: SessionUser,
  input: { year: number; streetId: number; ratings: RatingInput[]; reason?: string | null },
): Promise<{ created: number; changed: number }> {
  if (input.year > shanghaiYear()) throw new CareerError("career.errors.futureYear", { year: input.year }, 400);
  const reason = input.reason?.trim() || null;
  // Retried when two officers' saves collide (a deadlock on the street lock, or both creating
  // the same person's appraisal): the next attempt re-reads the ratings and the quota.
  return inTransaction(async (tx) => {
    const street = await streetInScope(tx, actor, input.streetId);
    // The quota is a read-then-write: on PostgreSQL two officers saving the same street at
    // once must take turns (SQLite already runs one transaction at a time, ADR 003).
    if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Unit" WHERE "id" = ${street.id} FOR UPDATE`;
    const rules = await loadAppraisalRules(tx);
    if (rules.requireClosedYear) {
      const creditYear = await tx.creditYear.findUnique({ where: { year: input.year }, select: { status: true } });
      if (creditYear?.status !== "closed") throw new CareerError("career.errors.yearOpen", { year: input.year });
    }
    const people = await streetPeople(tx, street.path);
    const nameById = new Map(people.map((p) => [p.id, p.name]));
    for (const r of input.ratings) {
      if (!nameById.has(r.personId)) throw new CareerError("career.errors.personNotInStreet", {}, 403);
    }
    const existing = await tx.appraisal.findMany({
      where: { year: input.year, personId: { in: people.map((p) => p.id) } },
      select: { id: true, personId: true, rating: true },
    });
    const existingBy = new Map(existing.map((a) => [a.personId, a]));
    const changes = input.ratings.filter((r) => existingBy.get(r.personId)?.rating !== r.rating);
    if (changes.length === 0) return { created: 0, changed: 0 };
    if (!reason && changes.some((r) => existingBy.has(r.personId))) {
      throw new CareerError("career.errors.reasonRequired", {}, 400);
    }

    const newlyExcellent = changes.filter((r) => r.rating === "excellent");
    if (rules.excellentRequiresCredits && newlyExcellent.length > 0) {
      const statuses = await creditStatusesForYear(tx, input.year, newlyExcellent.map((r) => r.personId));
      const unmet = newlyExcellent.find((r) => !statuses.get(r.personId)!.met);
      if (unmet) {
        const status = statuses.get(unmet.personId)!;
        throw new CareerError("career.errors.excellentNeedsCredits", {
          name: nameById.get(unmet.personId)!,
          counted: status.counted,
          required: status.required,
        });
      }
    }
    const final = new Map(existing.map((a) => [a.personId, a.rating]));
    for (const r of changes) final.set(r.personId, r.rating);
    const excellent = [...final.values()].filter((rating) => rating === "excellent").length;
    const cap = excellentCap(people.length, rules);
    if (newlyExcellent.length > 0 && excellent > cap) {
      throw new CareerError("career.errors.excellentQuota", {
        count: excellent,
        cap,
        headcount: people.length,
        percent: rules.excellentSharePercent,
      });
    }

    let created = 0;
    let changed = 0;
    for (const r of changes) {
      const before = existingBy.get(r.personId);
      if (before) {
        await tx.appraisal.update({ where: { id: before.id }, data: { rating: r.rating, recordedById: actor.id } });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "appraisal.changed",
          entityType: "Appraisal",
          entityId: before.id,
          personId: r.personId,
          before: { year: input.year, rating: before.rating },
          after: { year: input.year, rating: r.rating },
          reason,
        });
        changed += 1;
      } else {
        const row = await tx.appraisal.create({
          data: { personId: r.personId, year: input.year, rating: r.rating, recordedById: actor.id },
          select: { id: true },
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: "appraisal.recorded",
          entityType: "Appraisal",
          entityId: row.id,
          personId: r.personId,
          after: { year: input.year, rating: r.rating },
          reason,
        });
        created += 1;
      }
    }
    return { created, changed };
  });
}
