// The one PDF layer of the app (ADR 009): every document — camp feedback, a candidate's dossier,
// a credit transcript — is written through PdfWriter, so they share one look (title block,
// running header, footer with page number and generation time), one embedded Chinese font,
// one way to format dates and numbers per locale, and tables that break across pages with the
// header row repeated.
//
// Streaming: pdfStream() returns pdfkit's document (a Node Readable) at once and writes the
// pages afterwards; each page leaves the process as it is finished (no bufferPages), and long
// writers call `await pdf.flushed()` between sections so a slow client holds back the writer
// instead of the document piling up in memory. A consequence: the footer says "page N", not
// "page N of M" — the total is unknown while the first pages are already on the wire.
import { setTimeout as sleep } from "node:timers/promises";
import PDFDocument from "pdfkit";
import { formatDate, formatDateTime, formatNumber, formatPoints, translator, type Locale, type Translate } from "~/i18n/i18n";
import { logger } from "~/utils/logger.server";
import { pdfFonts } from "./fonts.server";

export type PdfDocument = InstanceType<typeof PDFDocument>;

export type PdfOptions = {
  locale: Locale;
  /** The document's title: title block, running header and the file's metadata. */
  title: string;
  /** A line under the title (the person, the team…). */
  subtitle?: string;
  generatedAt?: Date;
};

export type PdfColumn = {
  header: string;
  /** Relative width: the columns share the page width in proportion. */
  width: number;
  align?: "left" | "right" | "center";
};

const MARGIN = { top: 72, bottom: 64, left: 50, right: 50 };
const COLOR = { text: "#1f2328", muted: "#5b636e", rule: "#c9ced6", zebra: "#f3f5f7", accent: "#b3261e" };
const SIZE = { title: 18, subtitle: 11, heading: 13, body: 10, table: 9, small: 8 };
const CELL_PAD = 4;

/** Readable bytes the document may hold before the writer waits for the client. */
const HIGH_WATER = 256 * 1024;

export class PdfWriter {
  readonly doc: PdfDocument;
  readonly locale: Locale;
  readonly t: Translate;
  readonly title: string;
  readonly generatedAt: Date;
  private pageNo = 0;

  constructor(options: PdfOptions) {
    this.locale = options.locale;
    this.t = translator(options.locale);
    this.title = options.title;
    this.generatedAt = options.generatedAt ?? new Date();
    this.doc = new PDFDocument({
      size: "A4",
      margins: MARGIN,
      bufferPages: false,
      autoFirstPage: false,
      lang: options.locale,
      displayTitle: true,
      info: {
        Title: options.title,
        Author: this.t("documents.producer"),
        Creator: this.t("documents.producer"),
        Producer: this.t("documents.producer"),
        CreationDate: this.generatedAt,
      },
    });
    const fonts = pdfFonts();
    this.doc.registerFont("regular", fonts.regular);
    this.doc.registerFont("bold", fonts.bold);
    this.doc.on("pageAdded", () => this.decoratePage());
    this.doc.addPage();
    this.titleBlock(options.title, options.subtitle);
  }

  // ---------------------------------------------------------------- formatting

  date(value: Date | string) {
    return formatDate(this.locale, value);
  }
  dateTime(value: Date | string) {
    return formatDateTime(this.locale, value);
  }
  number(value: number, options?: Intl.NumberFormatOptions) {
    return formatNumber(this.locale, value, options);
  }
  /** Centipoints as points. */
  points(centipoints: number) {
    return formatPoints(this.locale, centipoints);
  }

  // ---------------------------------------------------------------- page furniture

  private get contentWidth() {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }
  private get bottom() {
    return this.doc.page.height - MARGIN.bottom;
  }

  /** Running header and footer, drawn as each page starts (pages are never revisited). */
  private decoratePage() {
    const { doc } = this;
    this.pageNo += 1;
    const page = doc.page;
    // Writing inside the margins would make pdfkit open another page: lift them meanwhile.
    const saved = { ...page.margins };
    page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const width = page.width - MARGIN.left - MARGIN.right;
    doc.font("regular").fontSize(SIZE.small).fillColor(COLOR.muted);
    doc.text(this.t("documents.producer"), MARGIN.left, 36, { width: width / 2, lineBreak: false });
    doc.text(this.title, MARGIN.left + width / 2, 36, { width: width / 2, align: "right", lineBreak: false, ellipsis: true });
    doc.moveTo(MARGIN.left, 50).lineTo(page.width - MARGIN.right, 50).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
    const footerY = page.height - MARGIN.bottom + 24;
    doc.moveTo(MARGIN.left, footerY - 6).lineTo(page.width - MARGIN.right, footerY - 6).lineWidth(0.5).strokeColor(COLOR.rule).stroke();
    doc.text(this.t("documents.generatedAt", { at: this.dateTime(this.generatedAt) }), MARGIN.left, footerY, { width: width * 0.7, lineBreak: false });
    doc.text(this.t("documents.page", { page: this.pageNo }), MARGIN.left + width * 0.7, footerY, { width: width * 0.3, align: "right", lineBreak: false });
    page.margins = saved;
    doc.x = MARGIN.left;
    doc.y = MARGIN.top;
    doc.fillColor(COLOR.text).font("regular").fontSize(SIZE.body);
  }

  private titleBlock(title: string, subtitle?: string) {
    const { doc } = this;
    doc.font("bold").fontSize(SIZE.title).fillColor(COLOR.text).text(title, { width: this.contentWidth });
    if (subtitle) doc.moveDown(0.2).font("regular").fontSize(SIZE.subtitle).fillColor(COLOR.muted).text(subtitle, { width: this.contentWidth });
    doc.moveDown(0.8).fillColor(COLOR.text).font("regular").fontSize(SIZE.body);
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensureSpace(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  // ---------------------------------------------------------------- content

  heading(text: string) {
    const { doc } = this;
    // Room for the heading and the first lines under it: a heading never ends a page.
    this.ensureSpace(SIZE.heading * 7);
    doc.moveDown(0.6).font("bold").fontSize(SIZE.heading).fillColor(COLOR.accent).text(text, MARGIN.left, doc.y, { width: this.contentWidth });
    doc.moveDown(0.3).font("regular").fontSize(SIZE.body).fillColor(COLOR.text);
  }

  /** A bold label over the block that follows (a table, a paragraph). */
  label(text: string) {
    this.ensureSpace(SIZE.body * 4);
    this.doc.moveDown(0.4);
    this.text(text, { bold: true });
    this.doc.moveDown(0.15);
  }

  text(text: string, options: { muted?: boolean; bold?: boolean; size?: number } = {}) {
    const { doc } = this;
    doc
      .font(options.bold ? "bold" : "regular")
      .fontSize(options.size ?? SIZE.body)
      .fillColor(options.muted ? COLOR.muted : COLOR.text)
      .text(text, MARGIN.left, doc.y, { width: this.contentWidth });
    doc.fillColor(COLOR.text).font("regular").fontSize(SIZE.body);
  }

  /** Label–value pairs, two columns. */
  facts(pairs: [string, string][]) {
    const labelWidth = this.contentWidth * 0.3;
    const valueWidth = this.contentWidth - labelWidth;
    const { doc } = this;
    doc.fontSize(SIZE.body);
    for (const [label, value] of pairs) {
      const height = Math.max(doc.font("bold").heightOfString(label, { width: labelWidth - CELL_PAD }), doc.font("regular").heightOfString(value || " ", { width: valueWidth }));
      this.ensureSpace(height + 4);
      const y = doc.y;
      doc.font("bold").fillColor(COLOR.muted).text(label, MARGIN.left, y, { width: labelWidth - CELL_PAD });
      doc.font("regular").fillColor(COLOR.text).text(value || "—", MARGIN.left + labelWidth, y, { width: valueWidth });
      doc.y = y + height + 4;
    }
    doc.x = MARGIN.left;
  }

  /**
   * A table: wrapped cells, a ruled header row, light banding; a row that does not fit starts a
   * new page, where the header row is repeated. An empty table prints `empty` instead.
   */
  table(columns: PdfColumn[], rows: string[][], options: { empty?: string } = {}) {
    const { doc } = this;
    if (rows.length === 0) {
      this.text(options.empty ?? this.t("documents.none"), { muted: true });
      return;
    }
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (this.contentWidth * c.width) / total);
    const xs = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const heightOf = (cells: string[], font: "regular" | "bold") => {
      doc.font(font).fontSize(SIZE.table);
      return Math.max(...cells.map((cell, i) => doc.heightOfString(cell || " ", { width: widths[i] - 2 * CELL_PAD }))) + 2 * CELL_PAD;
    };
    const drawRow = (cells: string[], font: "regular" | "bold", height: number, fill?: string) => {
      const y = doc.y;
      if (fill) doc.rect(MARGIN.left, y, this.contentWidth, height).fill(fill);
      doc.font(font).fontSize(SIZE.table).fillColor(COLOR.text);
      cells.forEach((cell, i) => {
        doc.text(cell, xs[i] + CELL_PAD, y + CELL_PAD, { width: widths[i] - 2 * CELL_PAD, align: columns[i].align ?? "left" });
      });
      doc.moveTo(MARGIN.left, y + height).lineTo(MARGIN.left + this.contentWidth, y + height).lineWidth(0.4).strokeColor(COLOR.rule).stroke();
      doc.x = MARGIN.left;
      doc.y = y + height;
    };
    const headers = columns.map((c) => c.header);
    const headerHeight = heightOf(headers, "bold");
    const drawHeader = () => drawRow(headers, "bold", headerHeight, COLOR.zebra);

    this.ensureSpace(headerHeight + heightOf(rows[0], "regular"));
    drawHeader();
    rows.forEach((row, index) => {
      const height = heightOf(row, "regular");
      if (doc.y + height > this.bottom) {
        doc.addPage();
        drawHeader();
      }
      drawRow(row, "regular", height, index % 2 === 1 ? "#fafbfc" : undefined);
    });
    doc.moveDown(0.5).font("regular").fontSize(SIZE.body);
  }

  /** An image (a PNG QR code) at the current position, `size` points wide, with a caption beside it. */
  imageWithCaption(png: Buffer, size: number, caption: string[]) {
    const { doc } = this;
    this.ensureSpace(size + 8);
    const y = doc.y;
    doc.image(png, MARGIN.left, y, { width: size, height: size });
    doc.font("regular").fontSize(SIZE.table).fillColor(COLOR.text);
    let textY = y + 4;
    for (const line of caption) {
      doc.text(line, MARGIN.left + size + 12, textY, { width: this.contentWidth - size - 12 });
      textY = doc.y + 2;
    }
    doc.x = MARGIN.left;
    doc.y = Math.max(y + size, textY) + 8;
  }

  /**
   * Waits while the finished bytes not yet taken by the client exceed a bound (call between
   * sections of long documents). Polls: listening for 'data' would switch the stream to flowing
   * mode behind its consumer's back.
   */
  async flushed() {
    while (this.doc.readableLength > HIGH_WATER && !this.doc.destroyed) await sleep(5);
  }
}

/**
 * A streamed PDF: the returned Readable is the document; `build` writes it afterwards (so the
 * caller can hand the stream to the response first). A failure while writing ends the stream
 * with the error — the client sees a broken download, never a half document that looks whole.
 */
export function pdfStream(options: PdfOptions, build: (pdf: PdfWriter) => Promise<void> | void): PdfDocument {
  const pdf = new PdfWriter(options);
  void (async () => {
    try {
      await build(pdf);
      pdf.doc.end();
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error), title: options.title }, "PDF generation failed");
      pdf.doc.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return pdf.doc;
}
