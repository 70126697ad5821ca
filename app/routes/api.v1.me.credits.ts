import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiJson, apiLocale, parseQuery, toPoints } from "~/api/api.server";
import { requireRole } from "~/auth/guards.server";
import { creditStatusForYear } from "~/credits/ledger.server";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { translator, type MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";

const Query = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

const POINT_PARAMS = new Set(["counted", "required", "short", "inPerson", "minInPerson", "online", "cap", "excluded", "rolloverIn"]);

/** GET /api/v1/me/credits?year=YYYY — the signed-in learner's status for a year. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const { year = shanghaiYear() } = await parseQuery(request, Query);
  if (!user.personId) return apiJson({ error: { code: "no_person", message: "This account has no person record" } }, { status: 404 });
  const [status, competencies] = await Promise.all([
    creditStatusForYear(db, user.personId, year),
    db.competency.findMany({
      where: { framework: { status: "active" } },
      orderBy: { sortOrder: "asc" },
      select: { id: true, code: true, nameZh: true, nameEn: true },
    }),
  ]);
  const t = translator(await apiLocale(request));
  const explain = (line: { key: string; params: Record<string, number> }) => {
    const shown = Object.fromEntries(
      Object.entries(line.params).map(([k, v]) => [k, POINT_PARAMS.has(k) && line.key !== "credits.status.competenciesShort" ? toPoints(v) : v]),
    );
    return { code: line.key, params: shown, message: t(line.key as MessageKey, shown) };
  };
  return apiJson({
    year,
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
  });
}
