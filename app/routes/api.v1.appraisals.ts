import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { afterId, API_PAGE_DEFAULT, API_PAGE_MAX, apiJson, codeParam, cursorParam, limitParam, pageOf, parseQuery, yearParam } from "~/api/api.server";
import { readOnlyAction, requireHrApiCaller } from "~/api/hr-api.server";
import { listAppraisals, requireUnitInScope } from "~/api/hr-data.server";

const AppraisalsQuery = z.object({
  year: yearParam.optional(),
  unit: codeParam.optional(),
  limit: limitParam(API_PAGE_MAX, API_PAGE_DEFAULT),
  cursor: cursorParam,
});

/** GET /api/v1/appraisals?year=YYYY&unit=CODE — annual appraisal ratings of people in scope. */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireHrApiCaller(request);
  const query = await parseQuery(request, AppraisalsQuery);
  const unit = query.unit ? await requireUnitInScope(request, caller, query.unit) : null;
  const after = await afterId(request, query.cursor);
  const { rows, nextCursor } = pageOf(await listAppraisals(caller, { unit, year: query.year, after, limit: query.limit }), query.limit);
  return apiJson({ data: rows, nextCursor }, { headers: caller.headers });
}

export const action = readOnlyAction;
