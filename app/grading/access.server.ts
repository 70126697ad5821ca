// Who may use the grading pages: a camp's staff (CampStaff lead | mentor | judge) for marking,
// the lead mentor for the rubric, moderation and release. Everyone else gets 403, a missing
// camp or project 404.
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/http.server";
import { campRole, type CampRole } from "./grading.server";

export async function requireCampStaff(user: Pick<SessionUser, "id">, campId: number): Promise<CampRole> {
  const camp = await db.camp.findUnique({ where: { id: campId }, select: { id: true } });
  if (!camp) notFound();
  const role = await campRole(db, user.id, campId);
  if (!role) forbidden();
  return role;
}

export async function requireCampLead(user: Pick<SessionUser, "id">, campId: number): Promise<void> {
  if ((await requireCampStaff(user, campId)) !== "lead") forbidden();
}

/** The project's camp, after checking the user is on its staff. */
export async function requireProjectStaff(user: Pick<SessionUser, "id">, projectId: number): Promise<{ campId: number; role: CampRole }> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { team: { select: { campId: true } } } });
  if (!project) notFound();
  const role = await requireCampStaff(user, project.team.campId);
  return { campId: project.team.campId, role };
}
