// The original file of an import batch, as it was uploaded, for the officers who may see the batch.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { originalFileResponse } from "~/imports/imports.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const batchId = Number(params.batchId);
  if (!Number.isSafeInteger(batchId) || batchId <= 0) notFound();
  return originalFileResponse(user, batchId);
}
