// The evidence file of a credit adjustment, for HR in scope only, always as a download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { evidenceFor } from "~/credits/adjustments.server";
import { contentDisposition } from "~/files/storage.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const id = Number(params.adjustmentId);
  // Ids are 32-bit in the database: a larger one is unknown, not PostgreSQL's "out of range" (500).
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  // Out of scope and missing look the same: 404.
  const file = await evidenceFor(user, id);
  if (!file) notFound();
  return new Response(file.bytes, {
    headers: {
      "Content-Type": file.mime,
      "Content-Length": String(file.bytes.byteLength),
      "Content-Disposition": contentDisposition(file.name),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
