// HR's first screen: their scope, and this year's credit requirement by the units directly
// below it — computed with the same status function as every other page.
import { subtreeWhere, type SessionUser } from "~/auth/guards.server";
import { creditStatusesForYear, type YearCreditStatus } from "~/credits/ledger.server";
import { shanghaiMonthOf } from "~/catalogue/filters.server";
import { monthsOfYear } from "~/classes/shanghai-time";
import { pointsByMonth, pointsByYear } from "~/reports/credit-report.server";
import { db } from "~/utils/db.server";

type HrHomeRow = { unit: { id: number; nameZh: string; nameEn: string }; headcount: number; met: number };

export async function loadHrHome(viewer: SessionUser, year: number) {
  const scope = viewer.scopeUnitId
    ? await db.unit.findUniqueOrThrow({ where: { id: viewer.scopeUnitId }, select: { id: true, path: true, nameZh: true, nameEn: true } })
    : await db.unit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true, path: true, nameZh: true, nameEn: true } });
  if (!scope) return { scope: null, total: 0, rows: [] as HrHomeRow[], charts: null };

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
  const [charts, months] = await Promise.all([dashboardCharts(scope, year, children, people, statuses), monthTrend(scope, year)]);
  return { scope, total: people.length, rows, charts: { ...charts, months } };
}

const DISTRIBUTION_BUCKETS = 8;
const TREND_YEARS = 5;

/**
 * The dashboard's charts, from the same statuses as the table (no second computation):
 * the distribution of counted points, a unit × competency coverage map (share of each unit's
 * people with points in the competency), and points per year from the ledger summaries —
 * counting people who have left in the years before the current one, as reports do by
 * default (ADR 011), so each year's point equals that year's report total.
 */
async function dashboardCharts(
  scope: { id: number; path: string },
  year: number,
  children: { id: number; path: string; nameZh: string; nameEn: string }[],
  people: { id: number; unit: { path: string } }[],
  statuses: Map<number, YearCreditStatus>,
) {
  const required = Math.max(100, ...[...statuses.values()].map((s) => s.required));
  // Buckets a quarter of the requirement wide, the last one open-ended.
  const width = Math.ceil(required / 4);
  const counts = new Array<number>(DISTRIBUTION_BUCKETS).fill(0);
  for (const status of statuses.values()) counts[Math.min(DISTRIBUTION_BUCKETS - 1, Math.max(0, Math.floor(status.counted / width)))]++;
  const distribution = counts.map((count, i) => ({ from: i * width, to: i === DISTRIBUTION_BUCKETS - 1 ? null : (i + 1) * width, count }));

  const competencies = await db.competency.findMany({
    where: { framework: { status: "active" } },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: { id: true, code: true, nameZh: true, nameEn: true },
  });
  const coverage = children.map((child) => {
    const members = people.filter((p) => p.unit.path.startsWith(child.path));
    const shares: Record<string, number | null> = {};
    for (const c of competencies) {
      const covered = members.filter((p) => (statuses.get(p.id)?.byCompetency[c.id] ?? 0) > 0).length;
      shares[String(c.id)] = members.length ? covered / members.length : null;
    }
    return { unitId: child.id, shares };
  });

  // Points per credit year with the report's own people and leavers rule (pointsByYear).
  const years = Array.from({ length: TREND_YEARS }, (_, i) => year - TREND_YEARS + 1 + i);
  const byYear = await pointsByYear(years, scope.id, { unitPath: scope.path });
  const trend = years.map((y) => ({ year: y, points: byYear.get(y) ?? 0 }));
  return { distribution, competencies, coverage, trend };
}

/**
 * Points per month of `year` in the scope (pointsByMonth: the credit report grouped by month,
 * default leavers policy, as one aggregate), every month of the year listed — up to the
 * current one for the current year — months without points as 0. Entries booked to the credit
 * year in another calendar month (a late import, a reversal made next year) keep their own
 * month, so the months always add up to the year.
 */
async function monthTrend(scope: { id: number; path: string }, year: number) {
  const byMonth = await pointsByMonth(year, scope.id, { unitPath: scope.path });
  const now = shanghaiMonthOf(new Date());
  const last = year === Number(now.slice(0, 4)) ? Number(now.slice(5, 7)) : 12;
  const months = new Set(monthsOfYear(year).slice(0, last));
  for (const month of byMonth.keys()) months.add(month);
  return [...months].sort().map((month) => ({ month, points: byMonth.get(month) ?? 0 }));
}
