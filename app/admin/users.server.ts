import { db } from "~/utils/db.server";

export const USERS_PAGE_SIZE = 30;

export async function listUsers(options: { q?: string; page?: number }) {
  const page = Math.max(1, options.page ?? 1);
  const q = options.q?.trim();
  const where = q
    ? { OR: [{ username: { contains: q.toLowerCase() } }, { displayName: { contains: q } }, { email: { contains: q.toLowerCase() } }] }
    : {};
  const [total, users] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      // Staff accounts first: they are the ones administrators manage most.
      orderBy: [{ role: "asc" }, { username: "asc" }],
      skip: (page - 1) * USERS_PAGE_SIZE,
      take: USERS_PAGE_SIZE,
      select: {
        id: true,
        username: true,
        displayName: true,
        email: true,
        role: true,
        disabledAt: true,
        mustChangePassword: true,
        lastLoginAt: true,
        scopeUnit: { select: { id: true, nameZh: true, nameEn: true } },
        person: { select: { employeeNo: true } },
      },
    }),
  ]);
  return { total, page, pages: Math.max(1, Math.ceil(total / USERS_PAGE_SIZE)), users };
}

/** Units an account can be scoped to: the district and its streets. */
export async function scopeChoices() {
  return db.unit.findMany({
    where: { kind: { in: ["district", "street"] }, archivedAt: null },
    orderBy: [{ path: "asc" }],
    select: { id: true, nameZh: true, nameEn: true, kind: true },
  });
}

export async function systemCounts(year: number) {
  const [users, people, units, courses, offerings] = await Promise.all([
    db.user.count(),
    db.person.count(),
    db.unit.count(),
    db.course.count({ where: { archivedAt: null } }),
    db.offering.count({ where: { creditYear: year } }),
  ]);
  return { users, people, units, courses, offerings };
}
