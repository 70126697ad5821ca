// A person-year's credit status as the API shows it, for the learner's own endpoint and the
// HR endpoints alike. The figures come from creditStatusForYear / creditStatusesForYear (the
// one computation behind every page, report and export); this only converts centipoints to
// points and explains the reasons in the caller's language.
import { toPoints } from "~/api/api.server";
import type { YearCreditStatus } from "~/credits/ledger.server";
import { CREDIT_CATEGORIES } from "~/credits/status";
import type { MessageKey, Translate } from "~/i18n/i18n";
import { db } from "~/utils/db.server";

export type CompetencyRow = { id: number; code: string; nameZh: string; nameEn: string };

/** The active framework's competencies, in display order. */
export function activeCompetencies(): Promise<CompetencyRow[]> {
  return db.competency.findMany({
    where: { framework: { status: "active" } },
    orderBy: { sortOrder: "asc" },
    select: { id: true, code: true, nameZh: true, nameEn: true },
  });
}

/** Reason and note parameters that are amounts (centipoints); the rest are counts. */
const POINT_PARAMS = new Set(["counted", "required", "short", "inPerson", "minInPerson", "online", "cap", "excluded", "rolloverIn"]);

export function creditStatusBody(status: YearCreditStatus, competencies: CompetencyRow[], t: Translate) {
  const explain = (line: { key: string; params: Record<string, number> }) => {
    const shown = Object.fromEntries(
      Object.entries(line.params).map(([k, v]) => [k, POINT_PARAMS.has(k) && line.key !== "credits.status.competenciesShort" ? toPoints(v) : v]),
    );
    return { code: line.key, params: shown, message: t(line.key as MessageKey, shown) };
  };
  return {
    year: status.year,
    earned: toPoints(status.earned),
    counted: toPoints(status.counted),
    required: toPoints(status.required),
    met: status.met,
    rolloverIn: toPoints(status.rolloverIn),
    byCategory: Object.fromEntries(CREDIT_CATEGORIES.map((c) => [c, toPoints(status.byCategory[c])])),
    byCompetency: competencies.map((c) => ({
      code: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      points: toPoints(status.byCompetency[c.id] ?? 0),
    })),
    reasons: status.reasons.map(explain),
    notes: status.notes.map(explain),
  };
}
