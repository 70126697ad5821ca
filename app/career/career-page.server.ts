// A person's career page for HR: posts and grades over time (GradeRecord), appraisals per year,
// credits per year (creditStatusesForYear, the one status computation, for every year with
// ledger entries), and the competency profile over all years. Outside the viewer's scope the
// person does not exist (404), so a street's HR cannot probe another street's employee numbers.
import { canAccessUnit, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";
import { isRating, type Rating } from "./ladder";

export type CareerYearCredit = { year: number; earned: number; counted: number; required: number; met: boolean };

export async function careerPage(viewer: SessionUser, employeeNo: string) {
  const person = await db.person.findUnique({
    where: { employeeNo },
    select: {
      id: true,
      employeeNo: true,
      name: true,
      postTypeCode: true,
      grade: true,
      hiredOn: true,
      secretarySince: true,
      active: true,
      unit: { select: { nameZh: true, nameEn: true, path: true } },
    },
  });
  if (!person || !canAccessUnit(viewer, person.unit)) return null;

  const [grades, appraisals, years, competencies, shares] = await Promise.all([
    db.gradeRecord.findMany({
      where: { personId: person.id },
      orderBy: [{ effectiveFrom: "asc" }, { id: "asc" }],
      select: { id: true, postTypeCode: true, grade: true, effectiveFrom: true, reason: true, note: true },
    }),
    db.appraisal.findMany({ where: { personId: person.id }, orderBy: { year: "asc" }, select: { year: true, rating: true } }),
    db.ledgerEntry.groupBy({ by: ["creditYear"], where: { personId: person.id }, orderBy: { creditYear: "asc" } }),
    db.competency.findMany({
      where: { framework: { status: "active" } },
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
      select: { id: true, code: true, nameZh: true, nameEn: true },
    }),
    db.ledgerCompetency.groupBy({ by: ["competencyId"], where: { entry: { personId: person.id } }, _sum: { amount: true } }),
  ]);

  const credits: CareerYearCredit[] = [];
  for (const { creditYear } of years) {
    const status = (await creditStatusesForYear(db, creditYear, [person.id])).get(person.id)!;
    credits.push({ year: creditYear, earned: status.earned, counted: status.counted, required: status.required, met: status.met });
  }
  const pointsBy = new Map(shares.map((s) => [s.competencyId, s._sum.amount ?? 0]));
  const { unit, ...rest } = person;
  return {
    person: { ...rest, unit: { nameZh: unit.nameZh, nameEn: unit.nameEn } },
    grades,
    appraisals: appraisals.filter((a): a is { year: number; rating: Rating } => isRating(a.rating)),
    credits,
    competencies: competencies.map((c) => ({ ...c, points: pointsBy.get(c.id) ?? 0 })),
  };
}
