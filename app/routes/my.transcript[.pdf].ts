// POST /my/transcript.pdf — the learner issues their own credit transcript: a new TranscriptIssue
// (random verification code, snapshot, hash; audited) and its PDF, streamed. GET goes back to the
// transcript page (issuing writes, so it is never a GET).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { fileSafe, PDF_CONTENT_TYPE, streamedDownload } from "~/pdf/http.server";
import { issueTranscript } from "~/transcripts/issue.server";
import { transcriptPdf } from "~/transcripts/transcript-pdf.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "learner");
  return redirect("/my/transcript");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "learner");
  // The person comes from the session, never from the request.
  if (!user.personId) notFound();
  const issued = await issueTranscript({ personId: user.personId, issuedById: user.id });
  const locale = await resolveLocale(request, user.locale);
  const doc = await transcriptPdf(locale, issued, new URL(request.url).origin);
  return streamedDownload(doc, PDF_CONTENT_TYPE, `transcript-${issued.snapshot.employeeNo}-${fileSafe(issued.snapshot.name)}.pdf`);
}
