import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiJson } from "~/api/api.server";
import { limitSessionCaller } from "~/api/hr-api.server";
import { listOfferings, OFFERINGS_PAGE_MAX } from "~/api/offerings.server";
import { requireUser } from "~/auth/guards.server";
import { parseCatalogueQuery } from "~/catalogue/filters.server";

const Paging = z.object({
  cursor: z.string().max(200).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(OFFERINGS_PAGE_MAX).catch(20),
});

/**
 * GET /api/v1/offerings — upcoming classes with the catalogue's filters (q, competency, level,
 * mode, street, venue, month, seats=1), cursor-paginated (cursor, limit ≤ 100).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const headers = await limitSessionCaller(request, user);
  const url = new URL(request.url);
  const filters = parseCatalogueQuery(url.searchParams);
  const paging = Paging.parse(Object.fromEntries(url.searchParams));
  return apiJson(await listOfferings(filters, { ...paging, limit: paging.limit ?? 20, personId: user.personId }), { headers });
}
