// The original file of an import batch, as it was uploaded, for the officers who may see the batch.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { originalFileResponse } from "~/imports/imports.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const batchId = fields.id().safeParse(params.batchId);
  if (!batchId.success) notFound();
  return originalFileResponse(user, batchId.data);
}
