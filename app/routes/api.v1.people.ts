import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { afterId, API_PAGE_DEFAULT, API_PAGE_MAX, apiJson, codeParam, cursorParam, booleanParam, limitParam, pageOf, parseQuery } from "~/api/api.server";
import { readOnlyAction, requireHrApiCaller } from "~/api/hr-api.server";
import { listPeople, personJson, requireUnitInScope } from "~/api/hr-data.server";

const PeopleQuery = z.object({
  unit: codeParam.optional(),
  active: booleanParam.optional(),
  limit: limitParam(API_PAGE_MAX, API_PAGE_DEFAULT),
  cursor: cursorParam,
});

/**
 * GET /api/v1/people?unit=CODE&active=true&limit=100&cursor=… — people in a unit's subtree
 * (default: the caller's whole scope), by id. API token or HR session (docs/api.md).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireHrApiCaller(request);
  const query = await parseQuery(request, PeopleQuery);
  const unit = query.unit ? await requireUnitInScope(request, caller, query.unit) : null;
  const after = await afterId(request, query.cursor);
  const { rows, nextCursor } = pageOf(await listPeople(caller, { unit, active: query.active, after, limit: query.limit }), query.limit);
  return apiJson({ data: rows.map(personJson), nextCursor }, { headers: caller.headers });
}

export const action = readOnlyAction;
