// Who may use the grading pages: a camp's staff (CampStaff lead | mentor | judge) for marking,
// the lead mentor for the rubric, moderation and release. Everyone else gets 403, a missing
// camp or project 404.
import type { SessionUser } from "~/auth/guards.server";
import { requireCampStaff } from "~/camps/camps.server";
import { db } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import type { CampRole } from "./grading.server";

// One staff check for the camp pages and the grading pages (app/camps/camps.server.ts).
export { requireCampStaff };

export async function requireCampLead(user: Pick<SessionUser, "id">, campId: number): Promise<void> {
  await requireCampStaff(user, campId, ["lead"]);
}

/** The project's camp, after checking the user is on its staff. */
export async function requireProjectStaff(user: Pick<SessionUser, "id">, projectId: number): Promise<{ campId: number; role: CampRole }> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { team: { select: { campId: true } } } });
  if (!project) notFound();
  const role: CampRole = await requireCampStaff(user, project.team.campId);
  return { campId: project.team.campId, role };
}
