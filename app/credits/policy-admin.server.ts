// Editing a year's credit policy: versions with who/when/why, validation by the policy schema
// (app/credits/policy.ts), the impact of a change before it is saved, and the audit record.
//
// Rules: a closed year's policy cannot change. A year that has started (the current or a
// past year) needs a reason, and the page shows the impact first (previewPolicyImpact).
// Every saved version is audited (entityType "CreditPolicy", entityId = the year).
import { createHash } from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { unitScopeWhere } from "~/auth/guards.server";
import type { SessionUser } from "~/auth/session.server";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";
import { policyForYear, yearTotalsWithRollover } from "./ledger.server";
import { parsePolicyRules, serializePolicyRules, type CreditPolicyRules } from "./policy";
import { computeCreditStatus } from "./status";
import { CreditAdminError, isYearClosed, requireDistrictLevel } from "./years.server";

export type PolicyVersionRow = {
  id: number;
  version: number;
  rules: CreditPolicyRules;
  reason: string;
  createdAt: Date;
  createdBy: string | null;
};

export async function policyVersions(year: number): Promise<PolicyVersionRow[]> {
  const rows = await db.creditPolicy.findMany({
    where: { year },
    orderBy: { version: "desc" },
    select: { id: true, version: true, rules: true, reason: true, createdAt: true, createdById: true },
  });
  const ids = rows.map((r) => r.createdById).filter((id): id is number => id !== null);
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } });
  return rows.map((r) => {
    const parsed = parsePolicyRules(r.rules);
    if (!parsed.ok) throw new Error(`CreditPolicy ${year} v${r.version} is invalid`);
    return {
      id: r.id,
      version: r.version,
      rules: parsed.rules,
      reason: r.reason,
      createdAt: r.createdAt,
      createdBy: users.find((u) => u.id === r.createdById)?.displayName ?? null,
    };
  });
}

/** A year has started when it is the current or a past year (Shanghai calendar). */
export function yearHasStarted(year: number, now = new Date()) {
  return year <= shanghaiYear(now);
}

/**
 * Ties a save to the rules that were previewed: the save of a started year must carry the
 * token of the preview of exactly these rules. Not a secret — it only makes sure the officer
 * saw the impact of what they save.
 */
export function previewToken(year: number, rules: CreditPolicyRules) {
  return createHash("sha256").update(`${year}\n${serializePolicyRules(rules)}`).digest("hex").slice(0, 32);
}

export const PREVIEW_LIST_LIMIT = 50;

export type PolicyImpact = {
  year: number;
  people: number;
  metBefore: number;
  metAfter: number;
  becomeMet: number;
  becomeUnmet: number;
  /** At most PREVIEW_LIST_LIMIT people whose status changes, by employee number. */
  changes: {
    personId: number;
    employeeNo: string;
    name: string;
    unitNameZh: string;
    unitNameEn: string;
    countedBefore: number;
    countedAfter: number;
    metBefore: boolean;
    metAfter: boolean;
  }[];
};

/**
 * How many active people in the viewer's scope would change met ↔ not met for `year` if
 * `rules` replaced the rules in force. Uses the same aggregates and rollover as
 * creditStatusesForYear, and the one status computation (computeCreditStatus). What it does
 * not show: the knock-on effect on the next year's rollover.
 */
export async function previewPolicyImpact(viewer: SessionUser, year: number, rules: CreditPolicyRules): Promise<PolicyImpact> {
  const people = await db.person.findMany({
    where: { active: true, unit: unitScopeWhere(viewer) },
    select: { id: true, employeeNo: true, name: true, unit: { select: { nameZh: true, nameEn: true } } },
    orderBy: { employeeNo: "asc" },
  });
  const ids = people.map((p) => p.id);
  const { policy: current, totals } = await yearTotalsWithRollover(db, year, ids);
  const impact: PolicyImpact = { year, people: people.length, metBefore: 0, metAfter: 0, becomeMet: 0, becomeUnmet: 0, changes: [] };
  for (const person of people) {
    const yearTotals = totals.get(person.id)!;
    const before = computeCreditStatus(current.rules, yearTotals);
    const after = computeCreditStatus(rules, yearTotals);
    if (before.met) impact.metBefore++;
    if (after.met) impact.metAfter++;
    if (before.met === after.met) continue;
    if (after.met) impact.becomeMet++;
    else impact.becomeUnmet++;
    if (impact.changes.length < PREVIEW_LIST_LIMIT) {
      impact.changes.push({
        personId: person.id,
        employeeNo: person.employeeNo,
        name: person.name,
        unitNameZh: person.unit.nameZh,
        unitNameEn: person.unit.nameEn,
        countedBefore: before.counted,
        countedAfter: after.counted,
        metBefore: before.met,
        metAfter: after.met,
      });
    }
  }
  return impact;
}

/** Validates submitted rules; errors are policy.errors.* keys by field path. */
export function validatePolicyRules(input: unknown) {
  return parsePolicyRules(input);
}

/**
 * Saves a new version of `year`'s policy. Refused for a closed year, for an unchanged policy,
 * and without a reason once the year has started. Audited in the same transaction.
 */
export async function savePolicyVersion(
  actor: SessionUser,
  input: { year: number; rules: CreditPolicyRules; reason?: string | null },
): Promise<{ version: number }> {
  await requireDistrictLevel(db, actor);
  const reason = input.reason?.trim() ?? "";
  if (yearHasStarted(input.year) && !reason) {
    throw new CreditAdminError("creditsAdmin.errors.reasonForStartedYear", { year: input.year }, "reason", 400);
  }
  const serialized = serializePolicyRules(input.rules);
  try {
    return await db.$transaction(async (tx) => {
      if (await isYearClosed(tx, input.year)) {
        throw new CreditAdminError("creditsAdmin.errors.yearClosed", { year: input.year });
      }
      const latest = await tx.creditPolicy.findFirst({
        where: { year: input.year },
        orderBy: { version: "desc" },
        select: { version: true, rules: true },
      });
      const beforeRules = latest ? parsePolicyRules(latest.rules) : null;
      const beforeSerialized = beforeRules?.ok ? serializePolicyRules(beforeRules.rules) : null;
      const inForce = beforeSerialized ?? serializePolicyRules((await policyForYear(tx, input.year)).rules);
      if (inForce === serialized) throw new CreditAdminError("creditsAdmin.errors.policyUnchanged", {}, undefined, 400);
      const version = (latest?.version ?? 0) + 1;
      // Two officers saving at once both compute the same version: the unique key refuses one.
      await tx.creditPolicy.create({
        data: { year: input.year, version, rules: serialized, reason, createdById: actor.id },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "policy.changed",
        entityType: "CreditPolicy",
        entityId: input.year,
        before: latest ? { version: latest.version, rules: JSON.parse(inForce) } : { version: null, rules: JSON.parse(inForce) },
        after: { version, rules: JSON.parse(serialized) },
        reason: reason || null,
      });
      return { version };
    });
  } catch (error) {
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002") {
      throw new CreditAdminError("creditsAdmin.errors.concurrentChange");
    }
    throw error;
  }
}
