import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiJson, apiLocale, codeParam, parseQuery, yearParam } from "~/api/api.server";
import { activeCompetencies, creditStatusBody } from "~/api/credits.server";
import { hrApiError, readOnlyAction, requireHrApiCaller } from "~/api/hr-api.server";
import { requirePersonInScope } from "~/api/hr-data.server";
import { creditStatusForYear } from "~/credits/ledger.server";
import { translator } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { shanghaiYear } from "~/utils/time";

const PersonCreditsQuery = z.object({ year: yearParam.optional() });

/**
 * GET /api/v1/people/{employeeNo}/credits?year=YYYY — one person's credit status for a year:
 * earned, counted, required, met, by category and by competency, from the same computation
 * as every page (creditStatusForYear).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireHrApiCaller(request);
  const employeeNo = codeParam.safeParse(params.employeeNo ?? "");
  if (!employeeNo.success) throw await hrApiError(request, 404, "api.errors.personNotFound", { employeeNo: String(params.employeeNo) }, { headers: caller.headers });
  const { year = shanghaiYear() } = await parseQuery(request, PersonCreditsQuery);
  const person = await requirePersonInScope(request, caller, employeeNo.data);
  const [status, competencies] = await Promise.all([creditStatusForYear(db, person.id, year), activeCompetencies()]);
  const t = translator(await apiLocale(request));
  return apiJson(
    { employeeNo: person.employeeNo, name: person.name, ...creditStatusBody(status, competencies, t) },
    { headers: caller.headers },
  );
}

export const action = readOnlyAction;
