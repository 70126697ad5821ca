import { json } from "@remix-run/node";
import { OPENAPI_DOCUMENT } from "~/api/openapi.server";

/**
 * GET /api/v1/openapi.json — the API's OpenAPI 3.1 description. Public: it describes what
 * exists, not any data, and client generators fetch it without credentials.
 */
export async function loader() {
  return json(OPENAPI_DOCUMENT, { headers: { "Cache-Control": "public, max-age=300" } });
}
