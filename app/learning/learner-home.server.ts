// What a learner sees first: who they are, this year's credit status, what's coming up
// and what they earned recently — all of it their own records only.
import { creditStatusForYear } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";

const ACTIVE_ENROLMENT = ["enrolled", "waitlisted", "pending_approval"];

export async function loadLearnerHome(personId: number, year: number, now = new Date()) {
  const [person, status, upcoming, recent] = await Promise.all([
    db.person.findUniqueOrThrow({
      where: { id: personId },
      select: {
        name: true,
        employeeNo: true,
        grade: true,
        postTypeCode: true,
        unit: { select: { nameZh: true, nameEn: true } },
      },
    }),
    creditStatusForYear(db, personId, year),
    db.enrolment.findMany({
      where: { personId, status: { in: ACTIVE_ENROLMENT }, offering: { endsAt: { gte: now } } },
      orderBy: { offering: { startsAt: "asc" } },
      take: 10,
      select: {
        id: true,
        status: true,
        waitlistNo: true,
        offering: {
          select: {
            id: true,
            code: true,
            startsAt: true,
            endsAt: true,
            venue: true,
            waitlistSeq: true,
            course: { select: { titleZh: true, titleEn: true } },
          },
        },
      },
    }),
    db.ledgerEntry.findMany({
      where: { personId, creditYear: year },
      orderBy: { createdAt: "desc" },
      take: 8,
      select: { id: true, amount: true, category: true, sourceType: true, note: true, offeringId: true, createdAt: true },
    }),
  ]);
  const [waitlistPositions, sources] = await Promise.all([waitlistPositionsFor(upcoming), offeringTitles(recent)]);
  return {
    person,
    status,
    upcoming: upcoming.map((e) => ({ ...e, waitlistPosition: waitlistPositions.get(e.id) ?? null })),
    recent: recent.map((entry) => ({ ...entry, course: entry.offeringId ? (sources.get(entry.offeringId) ?? null) : null })),
  };
}

/** The course behind each credit, so the learner sees where their points came from. */
async function offeringTitles(entries: { offeringId: number | null }[]) {
  const ids = [...new Set(entries.map((e) => e.offeringId).filter((id): id is number => id !== null))];
  if (ids.length === 0) return new Map<number, { titleZh: string; titleEn: string }>();
  const offerings = await db.offering.findMany({
    where: { id: { in: ids } },
    select: { id: true, course: { select: { titleZh: true, titleEn: true } } },
  });
  return new Map(offerings.map((o) => [o.id, o.course]));
}

/** Position = 1 + the number of people still waiting who arrived earlier. */
async function waitlistPositionsFor(enrolments: { id: number; status: string; waitlistNo: number | null; offering: { id: number } }[]) {
  const positions = new Map<number, number>();
  for (const e of enrolments) {
    if (e.status !== "waitlisted" || e.waitlistNo === null) continue;
    const ahead = await db.enrolment.count({
      where: { offeringId: e.offering.id, status: "waitlisted", waitlistNo: { lt: e.waitlistNo } },
    });
    positions.set(e.id, ahead + 1);
  }
  return positions;
}
