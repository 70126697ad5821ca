// Download of a project attachment: the team's current members and the camp's staff only
// (403 for everyone else, 404 for an unknown attachment). Sent as an attachment under its
// original name, never displayed inline and never sniffed.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { attachmentResponse, requireAttachmentAccess } from "~/camps/attachments.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.attachmentId);
  if (!id.success) notFound();
  const file = await requireAttachmentAccess(user, id.data);
  return attachmentResponse(file);
}
