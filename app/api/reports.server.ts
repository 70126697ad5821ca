// The credit report (app/reports/credit-report.server.ts) as the API shows it: points as
// decimal numbers, group labels in both languages. The figures are the report module's, which
// takes met/counted from creditStatusesForYear, so they equal the HR pages and exports.
import { toPoints } from "~/api/api.server";
import { CREDIT_CATEGORIES } from "~/credits/status";
import type { ReportGroupRow, ReportPersonRow } from "~/reports/credit-report.server";

const pointsOrNull = (centipoints: number | null) => (centipoints === null ? null : toPoints(centipoints));
const categories = (byCategory: ReportGroupRow["byCategory"]) =>
  Object.fromEntries(CREDIT_CATEGORIES.map((c) => [c, toPoints(byCategory[c])]));

const groupsJson = (parts: ReportGroupRow["parts"]) => parts.map((p) => ({ dim: p.dim, value: p.value, nameZh: p.label.zh, nameEn: p.label.en }));

export function reportGroupJson(row: ReportGroupRow) {
  return {
    key: row.key,
    groups: groupsJson(row.parts),
    headcount: row.headcount,
    met: row.met,
    unmet: row.unmet,
    metRate: row.metRate,
    points: toPoints(row.points),
    avgPoints: pointsOrNull(row.avgPoints),
    counted: pointsOrNull(row.counted),
    byCategory: categories(row.byCategory),
  };
}

export function reportPersonJson(row: ReportPersonRow) {
  return {
    employeeNo: row.employeeNo,
    name: row.name,
    unit: { nameZh: row.unit.zh, nameEn: row.unit.en },
    postType: row.postTypeCode,
    grade: row.grade,
    year: row.year,
    groups: groupsJson(row.parts),
    points: toPoints(row.points),
    byCategory: categories(row.byCategory),
    earned: toPoints(row.earned),
    counted: toPoints(row.counted),
    required: toPoints(row.required),
    met: row.met,
    /** The person has left (counted by the leavers policy, in their last unit). */
    left: row.left,
  };
}
