// GET /camps/teams/:teamId/feedback.pdf — the team's camp feedback as a PDF
// (app/pdf/camp-feedback.server.ts): the camp's lead mentor and mentors for any team; a member
// of the team once its mark is released (released projects only). Anyone else: 404 (judges 403).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { loadTeamFeedback, requireTeamFeedbackAccess, teamFeedbackPdf } from "~/pdf/camp-feedback.server";
import { fileSafe, PDF_CONTENT_TYPE, streamedDownload } from "~/pdf/http.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.teamId);
  if (!id.success) notFound();
  const view = await requireTeamFeedbackAccess(user, id.data);
  const data = await loadTeamFeedback(id.data, view, user.id);
  const locale = await resolveLocale(request, user.locale);
  return streamedDownload(teamFeedbackPdf(locale, data), PDF_CONTENT_TYPE, `feedback-${data.camp.code}-${fileSafe(data.team.name)}.pdf`);
}
