// The evidence file of a credit adjustment, for HR in scope only, always as a download.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { evidenceFor } from "~/credits/adjustments.server";
import { notFound } from "~/utils/http.server";

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 original (Chinese file names). */
function contentDisposition(name: string) {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const id = Number(params.adjustmentId);
  if (!Number.isInteger(id) || id <= 0) notFound();
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
