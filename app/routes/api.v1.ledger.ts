import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { afterId, API_PAGE_DEFAULT, API_PAGE_MAX, apiJson, codeParam, cursorParam, limitParam, pageOf, parseQuery, yearParam } from "~/api/api.server";
import { readOnlyAction, requireHrApiCaller } from "~/api/hr-api.server";
import { listLedger, requirePersonInScope } from "~/api/hr-data.server";

const LedgerQuery = z.object({
  person: codeParam.optional(),
  year: yearParam.optional(),
  limit: limitParam(API_PAGE_MAX, API_PAGE_DEFAULT),
  cursor: cursorParam,
});

/**
 * GET /api/v1/ledger?person=EMPLOYEE_NO&year=YYYY — credit ledger entries (reversals are
 * entries of their own, with negative points), oldest first; every person in scope when
 * `person` is left out.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireHrApiCaller(request);
  const query = await parseQuery(request, LedgerQuery);
  const person = query.person ? await requirePersonInScope(request, caller, query.person) : null;
  const after = await afterId(request, query.cursor);
  const { rows, nextCursor } = pageOf(
    await listLedger(caller, { personId: person?.id ?? null, year: query.year, after, limit: query.limit }),
    query.limit,
  );
  return apiJson({ data: rows, nextCursor }, { headers: caller.headers });
}

export const action = readOnlyAction;
