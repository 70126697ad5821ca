// Requests waiting for a street's approval, as the HR officer who may decide them sees them:
// only learners in their unit subtree.
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";

export async function pendingApprovals(viewer: SessionUser) {
  const scope = viewer.role === "admin" ? {} : viewer.scopeUnitPath ? subtreeWhere(viewer.scopeUnitPath) : null;
  if (!scope) return [];
  return db.enrolment.findMany({
    where: { status: "pending_approval", person: { unit: scope } },
    orderBy: { requestedAt: "asc" },
    take: 200,
    select: {
      id: true,
      requestedAt: true,
      person: { select: { name: true, employeeNo: true, unit: { select: { nameZh: true, nameEn: true } } } },
      offering: {
        select: {
          code: true,
          startsAt: true,
          capacity: true,
          seatsTaken: true,
          course: { select: { titleZh: true, titleEn: true } },
        },
      },
    },
  });
}
