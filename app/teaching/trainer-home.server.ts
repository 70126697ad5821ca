// A trainer's desk: the classes they teach and the camps they staff — only theirs.
import { db } from "~/utils/db.server";

export async function loadTrainerHome(userId: number, now = new Date()) {
  const recentCutoff = new Date(now.getTime() - 30 * 24 * 60 * 60 * 1000);
  const [classes, camps] = await Promise.all([
    db.offering.findMany({
      where: { trainerId: userId, endsAt: { gte: recentCutoff }, status: { not: "cancelled" }, camp: null },
      orderBy: { startsAt: "asc" },
      take: 50,
      select: {
        id: true,
        code: true,
        startsAt: true,
        endsAt: true,
        venue: true,
        capacity: true,
        seatsTaken: true,
        course: { select: { titleZh: true, titleEn: true } },
        _count: { select: { sessions: true } },
      },
    }),
    db.campStaff.findMany({
      where: { userId },
      orderBy: { camp: { offering: { startsAt: "desc" } } },
      select: {
        role: true,
        camp: {
          select: {
            id: true,
            status: true,
            offering: {
              select: { startsAt: true, endsAt: true, venue: true, course: { select: { titleZh: true, titleEn: true } } },
            },
            _count: { select: { teams: true } },
          },
        },
      },
    }),
  ]);
  return { classes, camps };
}
