// HR's first screen: their scope, and this year's credit requirement by the units directly
// below it — computed with the same status function as every other page.
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";

type HrHomeRow = { unit: { id: number; nameZh: string; nameEn: string }; headcount: number; met: number };

export async function loadHrHome(viewer: SessionUser, year: number) {
  const scope = viewer.scopeUnitId
    ? await db.unit.findUniqueOrThrow({ where: { id: viewer.scopeUnitId }, select: { id: true, path: true, nameZh: true, nameEn: true } })
    : await db.unit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true, path: true, nameZh: true, nameEn: true } });
  if (!scope) return { scope: null, total: 0, rows: [] as HrHomeRow[] };

  const [children, people] = await Promise.all([
    db.unit.findMany({
      where: { parentId: scope.id, archivedAt: null },
      orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
      select: { id: true, path: true, nameZh: true, nameEn: true },
    }),
    db.person.findMany({
      where: { active: true, unit: subtreeWhere(scope.path) },
      select: { id: true, unit: { select: { path: true } } },
    }),
  ]);
  const statuses = await creditStatusesForYear(db, year, people.map((p) => p.id));
  const rows: HrHomeRow[] = children.map((child) => {
    const members = people.filter((p) => p.unit.path.startsWith(child.path));
    const met = members.filter((p) => statuses.get(p.id)?.met).length;
    return { unit: child, headcount: members.length, met };
  });
  return { scope, total: people.length, rows };
}
