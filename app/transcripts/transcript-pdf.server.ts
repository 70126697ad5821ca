// The credit transcript as a PDF: exactly the snapshot (name, employee number, years,
// per-year earned / counted / required / met), then the verification block — the code, the
// public URL as a QR code and as text, and the content hash. What the paper says is what
// /verify/<code> confirms, line for line.
import QRCode from "qrcode";
import { translator, type Locale } from "~/i18n/i18n";
import { pdfStream, type PdfDocument, type PdfWriter } from "~/pdf/document.server";
import { formatCode } from "./code";
import type { IssuedTranscript } from "./issue.server";
import type { TranscriptYear } from "./snapshot";

/** The public page of a code, on this site (the origin the request came in on). */
export function verificationUrl(origin: string, code: string): string {
  return new URL(`/verify/${code}`, origin).toString();
}

/** Medium error correction: still scans from a photocopy. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 1, width: 240 });
}

/** Year, earned, counted, required, met: the transcript's table, also the dossier's. */
export function writeCreditYears(pdf: PdfWriter, years: TranscriptYear[]) {
  const { t } = pdf;
  pdf.table(
    [
      { header: t("documents.transcript.col.year"), width: 1 },
      { header: t("documents.transcript.col.earned"), width: 1.2, align: "right" },
      { header: t("documents.transcript.col.counted"), width: 1.2, align: "right" },
      { header: t("documents.transcript.col.required"), width: 1.2, align: "right" },
      { header: t("documents.transcript.col.result"), width: 1 },
    ],
    years.map((y) => [String(y.year), pdf.points(y.earned), pdf.points(y.counted), pdf.points(y.required), y.met ? t("documents.transcript.met") : t("documents.transcript.notMet")]),
  );
}

export function writeTranscript(pdf: PdfWriter, issued: IssuedTranscript, url: string, qr: Buffer) {
  const { t } = pdf;
  const { snapshot } = issued;
  pdf.facts([
    [t("documents.transcript.name"), snapshot.name],
    [t("documents.transcript.employeeNo"), snapshot.employeeNo],
    [t("documents.transcript.years"), t("documents.transcript.yearRange", { from: snapshot.fromYear, to: snapshot.toYear })],
    [t("documents.transcript.issuedAt"), pdf.dateTime(snapshot.issuedAt)],
  ]);
  pdf.heading(t("documents.transcript.perYear"));
  writeCreditYears(pdf, snapshot.years);
  pdf.text(t("documents.transcript.pointsNote"), { muted: true, size: 8 });
  pdf.heading(t("documents.transcript.verifyHeading"));
  pdf.imageWithCaption(qr, 110, [
    t("documents.transcript.verifyText"),
    t("documents.transcript.code", { code: formatCode(issued.code) }),
    t("documents.transcript.url", { url }),
    t("documents.transcript.hash", { hash: issued.contentHash }),
  ]);
}

/** One issued transcript as a streamed PDF. */
export async function transcriptPdf(locale: Locale, issued: IssuedTranscript, origin: string): Promise<PdfDocument> {
  const url = verificationUrl(origin, issued.code);
  const qr = await qrPng(url);
  return transcriptDocument(locale, issued, url, qr);
}

export function transcriptDocument(locale: Locale, issued: IssuedTranscript, url: string, qr: Buffer): PdfDocument {
  const t = translator(locale);
  const generatedAt = new Date(issued.snapshot.issuedAt);
  return pdfStream(
    {
      locale,
      title: t("documents.transcript.title"),
      subtitle: t("documents.transcript.subtitle", { name: issued.snapshot.name, employeeNo: issued.snapshot.employeeNo }),
      generatedAt,
    },
    (pdf) => writeTranscript(pdf, issued, url, qr),
  );
}
