// A streaming XLSX (SpreadsheetML) writer for large tabular exports: text, numbers and empty
// cells, a bold frozen header row, column widths and number formats, several sheets written one
// after the other. Why not exceljs's streaming WorkbookWriter here: see
// docs/decisions/010-xlsx-export-writer.md — per cell it builds a Cell, a style model and an
// XML node and renders the style to a string to find its id (~57 KB of garbage per 18-cell row,
// 2 s of CPU and most of the GC for 20,000 rows), and loading it costs ~20 MB before the first
// row. exceljs remains the reader the tests check this output with, and the writer for small
// workbooks elsewhere.
//
// Shape of the file (the part order of exceljs's own streaming writer, which Excel, LibreOffice
// and WPS open): each sheet's XML is streamed into the ZIP as it is written (yazl, which the
// transcript ZIPs use too: entries with a data descriptor, so no size is needed up front), then
// the workbook, its relationships, the styles, the content types and the document properties
// once the sheets are known. Strings are
// inline (t="inlineStr": no shared-string table to hold), numbers are <v> values; a string is
// never a formula, so text such as "=HYPERLINK(…)" stays text.
//
// Memory: one sheet's pending XML (handed to the ZIP every ~64 KB), the stream buffers and
// zlib's window, and the list of ZIP entries; nothing grows with the number of rows.
import { PassThrough, type Writable } from "node:stream";
import yazl from "yazl";

export type XlsxFormat = "integer" | "points" | "rate";
export type XlsxColumn = { header: string; width: number; format?: XlsxFormat };
export type XlsxValue = string | number | null | undefined;

/** Style ids in styles.xml (cellXfs): 0 plain, 1 bold header, then one per number format. */
const STYLE_ID: Record<XlsxFormat, number> = { integer: 2, points: 3, rate: 4 };
const STYLES_XML =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
  `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>` +
  `<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
  `<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
  `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="5">` +
  `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  // Built-in formats 1 ("0") and 2 ("0.00"); 164 is ours ("0.0%").
  `<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `</cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
  `</styleSheet>`;

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n`;
/** Pending sheet XML is handed to the ZIP in pieces of about this many characters. */
const FLUSH_AT = 64 * 1024;

// Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; lone surrogates; FFFE/FFFF).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_SPECIAL = /[&<>"]/g;
const NEEDS_ESCAPE = /[&<>"\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Text as XML character data / attribute value (characters XML cannot hold are dropped). */
export function xmlText(value: string): string {
  // Most cells (names, units, numbers as text) need nothing: test once, replace rarely.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(INVALID_XML, "").replace(XML_SPECIAL, (c) => ENTITY[c]);
}

/** A → 1, …, Z, AA, …: the column letters of cell references. */
function columnLetters(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Waits for "drain"; a destroyed or failed stream rejects instead of hanging the export. */
export function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error("output closed"));
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      stream.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("output closed"));
    const onError = (error: Error) => done(error);
    stream.on("drain", onDrain);
    stream.on("close", onClose);
    stream.on("error", onError);
  });
}

// ------------------------------------------------------------------ workbook

type SheetInfo = { name: string; path: string };

/**
 * Usage: `const book = new XlsxStreamWriter(out)`; for each sheet `await book.addSheet(name,
 * columns)` then `book.addRow(values)` per row, `await book.flush()` now and then (between
 * batches: it waits while the output is behind); `await book.finish()` ends the file (and `out`).
 */
export class XlsxStreamWriter {
  private readonly zip = new yazl.ZipFile();
  private readonly sheets: SheetInfo[] = [];
  private current: { stream: PassThrough; columns: XlsxColumn[]; cellStart: string[]; rowNumber: number } | null = null;
  private pending = "";
  private readonly created: Date;
  private readonly creator: string;
  private readonly compressionLevel: number;
  /** Set when `out` closed or failed before the workbook was finished (an abandoned download). */
  private failure: Error | null = null;
  private readonly done: Promise<void>;

  constructor(
    out: Writable,
    options: { creator?: string; created?: Date; compressionLevel?: number } = {},
  ) {
    this.created = options.created ?? new Date();
    this.creator = options.creator ?? "";
    this.compressionLevel = options.compressionLevel ?? 6;
    const zipOut = this.zip.outputStream as unknown as NodeJS.ReadableStream;
    zipOut.pipe(out);
    // A closed output stops the pipe, so nothing would ever drain again: fail the sheet being
    // written instead (flush() then rejects and the export stops rather than hanging).
    const stop = (error?: Error) => {
      this.failure ??= error ?? new Error("output closed");
      this.current?.stream.destroy(this.failure);
    };
    this.done = new Promise<void>((resolve, reject) => {
      out.once("finish", resolve);
      out.once("close", () => (this.failure ? reject(this.failure) : resolve()));
      out.once("error", (error: Error) => reject(error));
    });
    this.done.catch(() => undefined); // reported by flush()/finish(); never an unhandled rejection
    out.once("close", () => {
      if (!out.writableFinished) stop();
    });
    out.once("error", (error: Error) => stop(error));
  }

  private addPart(path: string, text: string) {
    this.zip.addBuffer(Buffer.from(text, "utf8"), path, { mtime: this.created, compressionLevel: this.compressionLevel });
  }

  get sheetNames(): string[] {
    return this.sheets.map((s) => s.name);
  }

  /** Ends the sheet being written (if any) and starts the next, with its header row. */
  async addSheet(name: string, columns: XlsxColumn[]) {
    await this.endSheet();
    const path = `xl/worksheets/sheet${this.sheets.length + 1}.xml`;
    this.sheets.push({ name, path });
    if (this.failure) throw this.failure;
    const stream = new PassThrough({ highWaterMark: FLUSH_AT });
    this.zip.addReadStream(stream, path, { mtime: this.created, compressionLevel: this.compressionLevel });
    // Per column, the start of its cells' XML up to the row number: `<c r="C` (+ style).
    const letters = columns.map((_, i) => columnLetters(i));
    const first = this.sheets.length === 1;
    const cols = columns
      .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${c.format ? ` style="${STYLE_ID[c.format]}"` : ""}/>`)
      .join("");
    this.current = { stream, columns, cellStart: letters.map((l) => `<c r="${l}`), rowNumber: 1 };
    this.pending =
      XML_HEAD +
      `<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
      `<sheetPr><outlinePr summaryBelow="0"/></sheetPr>` +
      `<sheetViews><sheetView workbookViewId="0"${first ? ` tabSelected="1"` : ""}>` +
      `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
      `<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>` +
      `<sheetFormatPr defaultRowHeight="15"/>` +
      `<cols>${cols}</cols><sheetData>` +
      `<row r="1">` +
      columns.map((c, i) => `<c r="${letters[i]}1" s="1" t="inlineStr"><is><t>${xmlText(c.header)}</t></is></c>`).join("") +
      `</row>`;
  }

  /** One row of the current sheet; null/undefined (and non-finite numbers) leave the cell empty. */
  addRow(values: readonly XlsxValue[]) {
    const sheet = this.current;
    if (!sheet) throw new Error("addRow before addSheet");
    const r = ++sheet.rowNumber;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < sheet.columns.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      if (typeof value === "number") {
        if (!Number.isFinite(value)) continue;
        const format = sheet.columns[i].format;
        xml += `${sheet.cellStart[i]}${r}"${format ? ` s="${STYLE_ID[format]}"` : ""}><v>${value}</v></c>`;
      } else {
        xml += `${sheet.cellStart[i]}${r}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
      }
    }
    this.pending += xml + "</row>";
  }

  /** True when flush() would hand text to the ZIP (callers can skip an await per row). */
  get needsFlush(): boolean {
    return this.pending.length >= FLUSH_AT;
  }

  /** Hands the pending XML to the ZIP if there is enough of it; waits while the output is behind. */
  async flush(force = false) {
    if (this.failure) throw this.failure;
    if (!this.current || (!force && this.pending.length < FLUSH_AT)) return;
    const text = this.pending;
    this.pending = "";
    if (!this.current.stream.write(text)) await drained(this.current.stream);
  }

  private async endSheet() {
    if (!this.current) return;
    this.pending += `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
    await this.flush(true);
    this.current.stream.end();
    this.current = null;
  }

  /** Ends the last sheet, writes the workbook's other parts and the ZIP directory, ends `out`. */
  async finish() {
    // A workbook needs at least one sheet to open.
    if (this.sheets.length === 0) await this.addSheet("Sheet1", []);
    await this.endSheet();
    const sheets = this.sheets;
    const iso = this.created.toISOString().replace(/\.\d{3}Z$/, "Z");
    this.addPart(
      "xl/workbook.xml",
      XML_HEAD +
        `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
        sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
        `</sheets></workbook>`,
    );
    this.addPart(
      "xl/_rels/workbook.xml.rels",
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL_NS}">` +
        sheets.map((s, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${s.path.slice(3)}"/>`).join("") +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>` +
        `</Relationships>`,
    );
    this.addPart("xl/styles.xml", STYLES_XML);
    this.addPart(
      "_rels/.rels",
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
        `<Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/>` +
        `</Relationships>`,
    );
    this.addPart(
      "docProps/core.xml",
      XML_HEAD +
        `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
        `<dc:creator>${xmlText(this.creator)}</dc:creator><cp:lastModifiedBy>${xmlText(this.creator)}</cp:lastModifiedBy>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${iso}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${iso}</dcterms:modified>` +
        `</cp:coreProperties>`,
    );
    this.addPart(
      "docProps/app.xml",
      XML_HEAD +
        `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>`,
    );
    this.addPart(
      "[Content_Types].xml",
      XML_HEAD +
        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        sheets.map((s) => `<Override PartName="/${s.path}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("") +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
        `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
        `<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
        `</Types>`,
    );
    this.zip.end();
    await this.done;
  }
}
