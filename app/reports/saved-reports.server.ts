// Saved credit reports: a name, an owner and a definition (the builder's filters as JSON,
// validated by ReportDefinitionSchema on the way in and out). A shared report is visible to
// every HR officer and administrator; only its owner renames, shares or deletes it. Opening
// someone else's report runs it within the viewer's own scope (the routes see to that).
import { z } from "zod";
import { recordAudit } from "~/audit/audit.server";
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { msg } from "~/utils/forms";
import { definitionParams, rawDefinition, ReportDefinitionSchema, type ReportDefinition } from "./definition";

export const SaveReportSchema = z.object({
  name: z
    .string({ error: msg("reports.errors.name") })
    .trim()
    .min(1, msg("reports.errors.name"))
    .max(80, msg("reports.errors.name")),
  shared: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
});

export type SavedReportSummary = {
  id: number;
  name: string;
  shared: boolean;
  mine: boolean;
  ownerName: string;
  updatedAt: Date;
  /** The definition as URL search params for the builder (empty when the stored JSON is stale). */
  search: string;
};

/** Stored JSON → a definition, or null when it no longer validates (e.g. a removed option). */
export function parseStoredDefinition(json: string): ReportDefinition | null {
  try {
    const stored = JSON.parse(json) as Record<string, unknown>;
    const parsed = ReportDefinitionSchema.safeParse(stored);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The viewer's own reports and those shared by others, most recently changed first. */
export async function listSavedReports(viewer: SessionUser): Promise<SavedReportSummary[]> {
  const rows = await db.savedReport.findMany({
    where: { OR: [{ ownerId: viewer.id }, { shared: true }] },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: 200,
    select: { id: true, name: true, shared: true, ownerId: true, definition: true, updatedAt: true },
  });
  const owners = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.ownerId))] }, role: { in: ["hr", "admin"] } },
    select: { id: true, displayName: true },
  });
  const ownerName = new Map(owners.map((o) => [o.id, o.displayName]));
  return rows
    // A report shared by someone who is no longer HR (role changed) is not offered to others.
    .filter((r) => r.ownerId === viewer.id || ownerName.has(r.ownerId))
    .map((r) => {
      const definition = parseStoredDefinition(r.definition);
      return {
        id: r.id,
        name: r.name,
        shared: r.shared,
        mine: r.ownerId === viewer.id,
        ownerName: ownerName.get(r.ownerId) ?? "",
        updatedAt: r.updatedAt,
        search: definition ? definitionParams(definition).toString() : "",
      };
    });
}

export async function saveReport(viewer: SessionUser, input: { name: string; shared: boolean; definition: ReportDefinition }) {
  // Stored in the same raw shape the URL uses, so the schema parses it back unchanged.
  const stored = JSON.stringify(rawDefinition(definitionParams(input.definition)));
  return db.$transaction(async (tx) => {
    const row = await tx.savedReport.create({
      data: { name: input.name, ownerId: viewer.id, shared: input.shared, definition: stored },
      select: { id: true },
    });
    await recordAudit(tx, {
      actorId: viewer.id,
      action: "report.save",
      entityType: "SavedReport",
      entityId: row.id,
      after: { name: input.name, shared: input.shared, definition: JSON.parse(stored) as unknown },
    });
    return row;
  });
}

/** Owner only; false when there is no such report of the viewer's. */
export async function setReportShared(viewer: SessionUser, id: number, shared: boolean): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await tx.savedReport.findFirst({ where: { id, ownerId: viewer.id }, select: { id: true, shared: true } });
    if (!row) return false;
    await tx.savedReport.update({ where: { id }, data: { shared } });
    await recordAudit(tx, { actorId: viewer.id, action: "report.share", entityType: "SavedReport", entityId: id, before: { shared: row.shared }, after: { shared } });
    return true;
  });
}

/** Owner only; false when there is no such report of the viewer's. */
export async function deleteSavedReport(viewer: SessionUser, id: number): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await tx.savedReport.findFirst({ where: { id, ownerId: viewer.id }, select: { id: true, name: true, shared: true, definition: true } });
    if (!row) return false;
    await tx.savedReport.delete({ where: { id } });
    await recordAudit(tx, { actorId: viewer.id, action: "report.delete", entityType: "SavedReport", entityId: id, before: { name: row.name, shared: row.shared } });
    return true;
  });
}
