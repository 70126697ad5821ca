import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiErrorResponse, apiJson, apiLocale, parseQuery, yearParam } from "~/api/api.server";
import { activeCompetencies, creditStatusBody } from "~/api/credits.server";
import { limitSessionCaller } from "~/api/hr-api.server";
import { requireRole } from "~/auth/guards.server";
import { creditStatusForYear } from "~/credits/ledger.server";
import { translator } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";

const Query = z.object({ year: yearParam.optional() });

/** GET /api/v1/me/credits?year=YYYY — the signed-in learner's status for a year. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const headers = await limitSessionCaller(request, user);
  const { year = shanghaiYear() } = await parseQuery(request, Query);
  if (!user.personId) return apiErrorResponse(request, 404, "api.errors.noPerson", undefined, { headers, accountLocale: user.locale });
  const [status, competencies] = await Promise.all([creditStatusForYear(db, user.personId, year), activeCompetencies()]);
  const t = translator(await apiLocale(request));
  return apiJson(creditStatusBody(status, competencies, t), { headers });
}
