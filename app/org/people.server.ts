// People, always seen through the viewer's unit scope.
import type { SessionUser } from "~/auth/guards.server";
import { unitScopeWhere } from "~/auth/guards.server";
import { db } from "~/utils/db.server";

export const PEOPLE_PAGE_SIZE = 25;

export async function searchPeople(viewer: SessionUser, options: { q?: string; page?: number }) {
  const page = Math.max(1, options.page ?? 1);
  const q = options.q?.trim();
  const where = {
    unit: unitScopeWhere(viewer),
    ...(q ? { OR: [{ name: { contains: q } }, { employeeNo: { contains: q.toUpperCase() } }] } : {}),
  };
  const [total, people] = await Promise.all([
    db.person.count({ where }),
    db.person.findMany({
      where,
      orderBy: { employeeNo: "asc" },
      skip: (page - 1) * PEOPLE_PAGE_SIZE,
      take: PEOPLE_PAGE_SIZE,
      select: {
        id: true,
        employeeNo: true,
        name: true,
        grade: true,
        postTypeCode: true,
        active: true,
        unit: { select: { nameZh: true, nameEn: true } },
      },
    }),
  ]);
  return { total, page, pages: Math.max(1, Math.ceil(total / PEOPLE_PAGE_SIZE)), people };
}
