// A team's project: one Project per (team, brief); every submission is a new ProjectVersion
// (numbered, never edited), flagged late when it arrives after the brief's due time, refused
// once the camp is closed. Only the team's current members submit; the person comes from the
// session, never from the request.
import { randomBytes } from "node:crypto";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { recordAudit } from "~/audit/audit.server";
import { inTransaction, isUniqueViolation, TransactionBusyError } from "~/db/transaction.server";
import { db, type DbTx } from "~/utils/db.server";
import { attachmentsDir, checkStaged, discardStaged, keepFile, removeKept, type StagedFile } from "./attachments.server";
import { currentTeam, findParticipantCamp } from "./camps.server";
import { CAMP_ERRORS, CampError } from "./errors";

export type ProjectParts = { background: string; design: string; budget: string; impact: string };
export const PART_NAMES = ["background", "design", "budget", "impact"] as const;

/** The brief, the person's camp and their current team, or a refusal. */
async function participantContext(tx: DbTx, personId: number, briefId: number) {
  const found = await findParticipantCamp(personId, tx);
  const brief = await tx.projectBrief.findUnique({
    where: { id: briefId },
    select: { id: true, campId: true, title: true, description: true, dueAt: true, camp: { select: { status: true } } },
  });
  if (!brief || !found || brief.campId !== found.campId) throw new CampError(CAMP_ERRORS.briefNotFound);
  const team = await currentTeam(tx, brief.campId, personId);
  return { brief, team };
}

/** The project page of a participant: the brief, their team's project and its versions. */
export async function loadMyProject(personId: number, briefId: number) {
  const { brief, team } = await participantContext(db, personId, briefId);
  const project = team
    ? await db.project.findUnique({
        where: { teamId_briefId: { teamId: team.id, briefId } },
        select: {
          id: true,
          title: true,
          versions: {
            orderBy: { versionNo: "desc" },
            select: {
              id: true,
              versionNo: true,
              background: true,
              design: true,
              budget: true,
              impact: true,
              submittedAt: true,
              submittedById: true,
              late: true,
              attachments: { orderBy: { id: "asc" }, select: { id: true, originalName: true, sizeBytes: true, mimeType: true } },
            },
          },
        },
      })
    : null;
  const submitterIds = [...new Set(project?.versions.map((v) => v.submittedById) ?? [])];
  const submitters = submitterIds.length
    ? await db.user.findMany({ where: { id: { in: submitterIds } }, select: { id: true, displayName: true } })
    : [];
  const nameOf = new Map(submitters.map((u) => [u.id, u.displayName]));
  return {
    brief: { id: brief.id, title: brief.title, description: brief.description, dueAt: brief.dueAt },
    campStatus: brief.camp.status,
    team: team ? { id: team.id, name: team.name } : null,
    project: project
      ? { id: project.id, title: project.title, versions: project.versions.map((v) => ({ ...v, submittedBy: nameOf.get(v.submittedById) ?? null })) }
      : null,
  };
}

export type SubmitInput = {
  personId: number;
  userId: number;
  briefId: number;
  title: string;
  parts: ProjectParts;
  /** Attachments of the latest version to carry into the new one. */
  keepAttachmentIds: number[];
  /** Files received with the submission (see stagingUploadHandler); removed if not kept. */
  files: StagedFile[];
  now?: Date;
};

/**
 * Submits a new version of the team's project. The files are checked by content before
 * anything is written; kept attachments of the previous version are copied under new names
 * (a version never changes, so each owns its files).
 */
export async function submitProjectVersion(input: SubmitInput) {
  const now = input.now ?? new Date();
  const kept: string[] = [];
  try {
    // Cheap refusals first, before any file is moved.
    const { brief, team } = await participantContext(db, input.personId, input.briefId);
    if (brief.camp.status === "closed") throw new CampError(CAMP_ERRORS.campClosed);
    if (!team) throw new CampError(CAMP_ERRORS.notTeamMember);
    const checked = await checkStaged(input.files);
    const fresh: { storedName: string; originalName: string; mimeType: string; sizeBytes: number; sha256: string }[] = [];
    for (const file of checked) {
      const storedName = await keepFile(file);
      kept.push(storedName);
      fresh.push({ storedName, originalName: file.originalName, mimeType: file.mimeType, sizeBytes: file.sizeBytes, sha256: file.sha256 });
    }
    const carried = await carryAttachments(team.id, input.briefId, input.keepAttachmentIds, kept);

    const result = await inTransaction(async (tx) => {
      // Again inside the transaction: the camp may have closed, the person may have moved.
      const again = await participantContext(tx, input.personId, input.briefId);
      if (again.brief.camp.status === "closed") throw new CampError(CAMP_ERRORS.campClosed);
      if (!again.team || again.team.id !== team.id) throw new CampError(CAMP_ERRORS.notTeamMember);
      let project = await tx.project.findUnique({ where: { teamId_briefId: { teamId: team.id, briefId: brief.id } }, select: { id: true, title: true } });
      if (!project) {
        project = await tx.project.create({ data: { teamId: team.id, briefId: brief.id, title: input.title, createdAt: now }, select: { id: true, title: true } });
      } else if (project.title !== input.title) {
        await tx.project.update({ where: { id: project.id }, data: { title: input.title } });
      }
      const last = await tx.projectVersion.findFirst({ where: { projectId: project.id }, orderBy: { versionNo: "desc" }, select: { versionNo: true } });
      const versionNo = (last?.versionNo ?? 0) + 1;
      const late = now.getTime() > brief.dueAt.getTime();
      const version = await tx.projectVersion.create({
        data: { projectId: project.id, versionNo, ...input.parts, submittedById: input.userId, submittedAt: now, late },
        select: { id: true },
      });
      for (const file of [...carried, ...fresh]) {
        await tx.attachment.create({ data: { projectVersionId: version.id, ...file, createdAt: now } });
      }
      await recordAudit(tx, {
        actorId: input.userId,
        action: "camp.project.submitted",
        entityType: "Project",
        entityId: project.id,
        personId: input.personId,
        after: { versionNo, late, title: input.title, attachments: carried.length + fresh.length },
      });
      return { projectId: project.id, versionNo, late };
    });
    return result;
  } catch (error) {
    await removeKept(kept);
    // Two teammates submitting at the same moment: the loser is told to try again, not a 500.
    if (isUniqueViolation(error) || error instanceof TransactionBusyError) throw new CampError(CAMP_ERRORS.busy);
    throw error;
  } finally {
    await discardStaged(input.files);
  }
}

/** Copies of the chosen attachments of the project's latest version (other ids are ignored). */
async function carryAttachments(teamId: number, briefId: number, ids: number[], kept: string[]) {
  if (ids.length === 0) return [];
  const latest = await db.projectVersion.findFirst({
    where: { project: { teamId, briefId } },
    orderBy: { versionNo: "desc" },
    select: { attachments: { where: { id: { in: ids } }, select: { originalName: true, storedName: true, mimeType: true, sizeBytes: true, sha256: true } } },
  });
  const copies = [];
  for (const a of latest?.attachments ?? []) {
    const storedName = randomBytes(16).toString("hex");
    kept.push(storedName);
    await copyFile(path.join(attachmentsDir(), a.storedName), path.join(attachmentsDir(), storedName));
    copies.push({ ...a, storedName });
  }
  return copies;
}
