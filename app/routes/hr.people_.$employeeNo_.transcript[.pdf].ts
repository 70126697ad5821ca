// POST /hr/people/:employeeNo/transcript.pdf — HR issues a person's credit transcript (people in
// their unit subtree only; others are 404): a new TranscriptIssue, audited, and its PDF streamed.
// GET goes back to the person's career page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { fileSafe, PDF_CONTENT_TYPE, streamedDownload } from "~/pdf/http.server";
import { requirePersonInScope } from "~/transcripts/access.server";
import { issueTranscript } from "~/transcripts/issue.server";
import { transcriptPdf } from "~/transcripts/transcript-pdf.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const person = await requirePersonInScope(user, params.employeeNo);
  return redirect(`/hr/people/${encodeURIComponent(person.employeeNo)}`);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const person = await requirePersonInScope(user, params.employeeNo);
  const issued = await issueTranscript({ personId: person.id, issuedById: user.id });
  const locale = await resolveLocale(request, user.locale);
  const doc = await transcriptPdf(locale, issued, new URL(request.url).origin);
  return streamedDownload(doc, PDF_CONTENT_TYPE, `transcript-${person.employeeNo}-${fileSafe(person.name)}.pdf`);
}
