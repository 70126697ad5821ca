// A candidate's dossier as a PDF, for HR weighing a person for an honour, the career
// establishment or a promotion: who they are (unit, post, grade), credits per year (from the
// career page: creditStatusesForYear, the one status computation), the competency profile,
// annual appraisals, grade history, and the credit transcript's entries year by year, each
// traced to its source. Scope is the career page's: outside the officer's subtree the person
// does not exist.
import type { SessionUser } from "~/auth/guards.server";
import { careerPage } from "~/career/career-page.server";
import { translator, type Locale, type MessageKey } from "~/i18n/i18n";
import { loadTranscript } from "~/learning/transcript.server";
import { transcriptSourceText } from "~/transcripts/source-text";
import { writeCreditYears } from "~/transcripts/transcript-pdf.server";
import { pdfStream, type PdfDocument, type PdfWriter } from "./document.server";

export async function loadDossier(viewer: SessionUser, employeeNo: string) {
  const page = await careerPage(viewer, employeeNo);
  if (!page) return null;
  const transcript = await loadTranscript(page.person.id);
  return { ...page, transcript };
}

export type Dossier = NonNullable<Awaited<ReturnType<typeof loadDossier>>>;

const localName = (locale: Locale, o: { nameZh: string; nameEn: string }) => (locale === "en" ? o.nameEn || o.nameZh : o.nameZh);

export async function writeDossier(pdf: PdfWriter, data: Dossier) {
  const { t, locale } = pdf;
  const { person } = data;
  const post = (code: string) => t(`postTypes.${code}` as MessageKey);
  pdf.facts([
    [t("documents.transcript.employeeNo"), person.employeeNo],
    [t("documents.dossier.unit"), localName(locale, person.unit)],
    [t("documents.dossier.post"), `${post(person.postTypeCode)} · ${t("common.grade", { grade: person.grade })}`],
    [t("documents.dossier.hiredOn"), pdf.date(person.hiredOn)],
    [t("documents.dossier.secretarySince"), person.secretarySince ? pdf.date(person.secretarySince) : "—"],
    [t("documents.dossier.status"), person.active ? t("documents.dossier.active") : t("documents.dossier.inactive")],
  ]);

  pdf.heading(t("documents.dossier.credits"));
  writeCreditYears(pdf, data.credits);

  pdf.heading(t("documents.dossier.competencies"));
  pdf.table(
    [
      { header: t("documents.dossier.col.competency"), width: 3 },
      { header: t("documents.dossier.col.amount"), width: 1, align: "right" },
    ],
    data.competencies.filter((c) => c.points !== 0).map((c) => [localName(locale, c), pdf.points(c.points)]),
  );

  pdf.heading(t("documents.dossier.appraisals"));
  pdf.table(
    [
      { header: t("documents.transcript.col.year"), width: 1 },
      { header: t("documents.dossier.col.rating"), width: 3 },
    ],
    data.appraisals.map((a) => [String(a.year), t(`career.rating.${a.rating}` as MessageKey)]),
  );

  pdf.heading(t("documents.dossier.grades"));
  pdf.table(
    [
      { header: t("documents.dossier.col.effectiveFrom"), width: 1.3 },
      { header: t("documents.dossier.col.post"), width: 1.1 },
      { header: t("documents.dossier.col.grade"), width: 0.8 },
      { header: t("documents.dossier.col.reason"), width: 1.1 },
      { header: t("documents.dossier.col.note"), width: 2.5 },
    ],
    data.grades.map((g) => [pdf.date(g.effectiveFrom), post(g.postTypeCode), t("common.grade", { grade: g.grade }), t(`careerPage.gradeReason.${g.reason}` as MessageKey), g.note]),
  );

  for (const year of data.transcript.years) {
    // A long career is many pages: let the client take what is written before writing more.
    await pdf.flushed();
    pdf.heading(t("documents.dossier.entries", { year: year.year }));
    pdf.table(
      [
        { header: t("documents.dossier.col.date"), width: 1.2 },
        { header: t("documents.dossier.col.source"), width: 4 },
        { header: t("documents.dossier.col.category"), width: 1.2 },
        { header: t("documents.dossier.col.amount"), width: 1, align: "right" },
      ],
      year.entries.map((e) => [
        pdf.date(e.createdAt),
        `#${e.id} ` + (e.reversesEntryId !== null ? t("documents.dossier.reversal", { id: e.reversesEntryId }) : "") + transcriptSourceText(t, locale, e.source),
        t(`credits.category.${e.category}` as MessageKey),
        (e.amount > 0 ? "+" : "") + pdf.points(e.amount),
      ]),
    );
  }
}

export function dossierPdf(locale: Locale, data: Dossier): PdfDocument {
  const t = translator(locale);
  return pdfStream(
    { locale, title: t("documents.dossier.title"), subtitle: t("documents.transcript.subtitle", { name: data.person.name, employeeNo: data.person.employeeNo }) },
    (pdf) => writeDossier(pdf, data),
  );
}
