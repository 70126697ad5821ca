// GET /hr/people/:employeeNo/dossier.pdf — a candidate's dossier (app/pdf/dossier.server.ts):
// credits per year, competencies, appraisals, grade history and the transcript's entries. HR
// within their unit subtree and administrators; anyone outside the scope gets 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { dossierPdf, loadDossier } from "~/pdf/dossier.server";
import { fileSafe, PDF_CONTENT_TYPE, streamedDownload } from "~/pdf/http.server";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const dossier = await loadDossier(user, params.employeeNo ?? "");
  if (!dossier) notFound();
  const locale = await resolveLocale(request, user.locale);
  return streamedDownload(dossierPdf(locale, dossier), PDF_CONTENT_TYPE, `dossier-${dossier.person.employeeNo}-${fileSafe(dossier.person.name)}.pdf`);
}
