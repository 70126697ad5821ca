// Who may see a class's roster and take its attendance: the class's trainer
// (Offering.trainerId) and, for a camp's offering, the camp's staff (CampStaff). Nobody else —
// not other trainers, not HR, not administrators: a roster is personal data, and the people
// who take attendance are the people in the room.
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/http.server";

export type ClassStaffRole = "trainer" | "lead" | "mentor" | "judge";

/** The user's role on the class, null when they have none, undefined when there is no class. */
export async function classStaffRole(userId: number, offeringId: number): Promise<ClassStaffRole | null | undefined> {
  const offering = await db.offering.findUnique({
    where: { id: offeringId },
    select: { trainerId: true, camp: { select: { staff: { where: { userId }, select: { role: true } } } } },
  });
  if (!offering) return undefined;
  if (offering.trainerId === userId) return "trainer";
  const staff = offering.camp?.staff[0];
  if (staff && (staff.role === "lead" || staff.role === "mentor" || staff.role === "judge")) return staff.role;
  return null;
}

/** Throws 404 when the class doesn't exist and 403 when the user isn't its staff. */
export async function requireClassStaff(user: Pick<SessionUser, "id">, offeringId: number): Promise<ClassStaffRole> {
  const role = await classStaffRole(user.id, offeringId);
  if (role === undefined) notFound();
  if (role === null) forbidden();
  return role;
}

/** The same for one session: returns its class's id. */
export async function requireSessionStaff(user: Pick<SessionUser, "id">, sessionId: number): Promise<{ offeringId: number; role: ClassStaffRole }> {
  const session = await db.classSession.findUnique({ where: { id: sessionId }, select: { offeringId: true } });
  if (!session) notFound();
  const role = await requireClassStaff(user, session.offeringId);
  return { offeringId: session.offeringId, role };
}
