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
// and WPS open): each sheet's XML is deflated into the ZIP as it is written (ZIP entries with a
// data descriptor, so no size is needed up front), then the workbook, its relationships, the
// styles, the content types and the document properties once the sheets are known. Strings are
// inline (t="inlineStr": no shared-string table to hold), numbers are <v> values; a string is
// never a formula, so text such as "=HYPERLINK(…)" stays text.
//
// Memory: one sheet's pending XML (flushed to zlib every ~64 KB), zlib's window, and the list
// of ZIP entries; nothing grows with the number of rows.
import type { Writable } from "node:stream";
import zlib from "node:zlib";

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
/** Pending sheet XML is handed to zlib in pieces of about this many characters. */
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

// ------------------------------------------------------------------ ZIP (deflate, streamed)

type ZipEntry = { name: Buffer; crc: number; compressed: number; size: number; offset: number; flags: number };

/** DOS date and time (local fields; ZIP has no zone) of `date`. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

const FLAG_UTF8 = 0x0800;
const FLAG_DESCRIPTOR = 0x0008;
const MAX_32 = 0xffffffff;

class ZipWriter {
  private offset = 0;
  private readonly entries: ZipEntry[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(
    private readonly out: Writable,
    modified: Date,
    private readonly level: number,
  ) {
    this.stamp = dosDateTime(modified);
  }

  private async put(chunk: Buffer) {
    this.offset += chunk.length;
    if (!this.out.write(chunk)) await drained(this.out);
  }

  private localHeader(name: Buffer, flags: number, crc: number, compressed: number, size: number): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressed, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    return Buffer.concat([header, name]);
  }

  /** A small part, compressed at once. */
  async add(path: string, text: string) {
    const name = Buffer.from(path, "utf8");
    const data = Buffer.from(text, "utf8");
    const deflated = zlib.deflateRawSync(data, { level: this.level });
    const entry: ZipEntry = { name, crc: zlib.crc32(data), compressed: deflated.length, size: data.length, offset: this.offset, flags: FLAG_UTF8 };
    this.entries.push(entry);
    await this.put(this.localHeader(name, entry.flags, entry.crc, entry.compressed, entry.size));
    await this.put(deflated);
  }

  /** A part written piece by piece: sizes and CRC follow the data (data descriptor). */
  async open(path: string): Promise<ZipStreamEntry> {
    const name = Buffer.from(path, "utf8");
    const entry: ZipEntry = { name, crc: 0, compressed: 0, size: 0, offset: this.offset, flags: FLAG_UTF8 | FLAG_DESCRIPTOR };
    this.entries.push(entry);
    await this.put(this.localHeader(name, entry.flags, 0, 0, 0));
    return new ZipStreamEntry(this.out, entry, this.level, (n) => (this.offset += n));
  }

  async finish() {
    const start = this.offset;
    for (const entry of this.entries) {
      if (entry.offset > MAX_32 || entry.compressed > MAX_32 || entry.size > MAX_32) throw new Error("XLSX export larger than 4 GB");
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4); // made by: 2.0
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(entry.flags, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt16LE(this.stamp.time, 12);
      header.writeUInt16LE(this.stamp.date, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(entry.compressed, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      // extra, comment, disk, internal attributes: 0; external attributes: 0
      header.writeUInt32LE(entry.offset, 42);
      await this.put(Buffer.concat([header, entry.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.put(end);
  }
}

class ZipStreamEntry {
  private readonly deflate: zlib.DeflateRaw;
  private readonly ended: Promise<void>;
  private crc = 0;

  constructor(
    private readonly out: Writable,
    private readonly entry: ZipEntry,
    level: number,
    private readonly advance: (bytes: number) => void,
  ) {
    this.deflate = zlib.createDeflateRaw({ level });
    // Compressed bytes go straight to the output; when it is full, zlib waits, and so (through
    // write()'s backpressure below) does the sheet.
    this.deflate.on("data", (chunk: Buffer) => {
      this.entry.compressed += chunk.length;
      this.advance(chunk.length);
      if (!this.out.write(chunk)) {
        this.deflate.pause();
        drained(this.out).then(
          () => this.deflate.resume(),
          (error: Error) => this.deflate.destroy(error),
        );
      }
    });
    this.ended = new Promise<void>((resolve, reject) => {
      this.deflate.once("end", resolve);
      this.deflate.once("error", reject);
    });
    // A failure before close() (the client went away) is reported by write() or close();
    // without this it would also be an unhandled rejection, which ends the process.
    this.ended.catch(() => undefined);
  }

  /** Adds text; resolves when zlib can take more. */
  async write(text: string) {
    const data = Buffer.from(text, "utf8");
    this.crc = zlib.crc32(data, this.crc);
    this.entry.size += data.length;
    if (!this.deflate.write(data)) await drained(this.deflate);
  }

  async close() {
    this.deflate.end();
    await this.ended;
    this.entry.crc = this.crc;
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(this.crc, 4);
    descriptor.writeUInt32LE(this.entry.compressed, 8);
    descriptor.writeUInt32LE(this.entry.size, 12);
    this.advance(descriptor.length);
    if (!this.out.write(descriptor)) await drained(this.out);
  }
}

// ------------------------------------------------------------------ workbook

type SheetInfo = { name: string; path: string };

/**
 * Usage: `const book = new XlsxStreamWriter(out)`; for each sheet `await book.addSheet(name,
 * columns)` then `book.addRow(values)` per row, `await book.flush()` now and then (between
 * batches: it waits while the output is behind); `await book.finish()` ends the file (and `out`).
 */
export class XlsxStreamWriter {
  private readonly zip: ZipWriter;
  private readonly sheets: SheetInfo[] = [];
  private current: { entry: ZipStreamEntry; columns: XlsxColumn[]; cellStart: string[]; rowNumber: number } | null = null;
  private pending = "";
  private readonly created: Date;
  private readonly creator: string;

  constructor(
    private readonly out: Writable,
    options: { creator?: string; created?: Date; compressionLevel?: number } = {},
  ) {
    this.created = options.created ?? new Date();
    this.creator = options.creator ?? "";
    this.zip = new ZipWriter(out, this.created, options.compressionLevel ?? 6);
  }

  get sheetNames(): string[] {
    return this.sheets.map((s) => s.name);
  }

  /** Ends the sheet being written (if any) and starts the next, with its header row. */
  async addSheet(name: string, columns: XlsxColumn[]) {
    await this.endSheet();
    const path = `xl/worksheets/sheet${this.sheets.length + 1}.xml`;
    this.sheets.push({ name, path });
    const entry = await this.zip.open(path);
    // Per column, the start of its cells' XML up to the row number: `<c r="C` (+ style).
    const letters = columns.map((_, i) => columnLetters(i));
    const first = this.sheets.length === 1;
    const cols = columns
      .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${c.format ? ` style="${STYLE_ID[c.format]}"` : ""}/>`)
      .join("");
    this.current = { entry, columns, cellStart: letters.map((l) => `<c r="${l}`), rowNumber: 1 };
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

  /** True when flush() would hand text to zlib (callers can skip an await per row). */
  get needsFlush(): boolean {
    return this.pending.length >= FLUSH_AT;
  }

  /** Hands the pending XML to zlib if there is enough of it; waits while the output is behind. */
  async flush(force = false) {
    if (!this.current || (!force && this.pending.length < FLUSH_AT)) return;
    const text = this.pending;
    this.pending = "";
    await this.current.entry.write(text);
  }

  private async endSheet() {
    if (!this.current) return;
    this.pending += `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
    await this.flush(true);
    await this.current.entry.close();
    this.current = null;
  }

  /** Ends the last sheet, writes the workbook's other parts and the ZIP directory, ends `out`. */
  async finish() {
    // A workbook needs at least one sheet to open.
    if (this.sheets.length === 0) await this.addSheet("Sheet1", []);
    await this.endSheet();
    const sheets = this.sheets;
    const iso = this.created.toISOString().replace(/\.\d{3}Z$/, "Z");
    await this.zip.add(
      "xl/workbook.xml",
      XML_HEAD +
        `<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets>` +
        sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
        `</sheets></workbook>`,
    );
    await this.zip.add(
      "xl/_rels/workbook.xml.rels",
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL_NS}">` +
        sheets.map((s, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${s.path.slice(3)}"/>`).join("") +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>` +
        `</Relationships>`,
    );
    await this.zip.add("xl/styles.xml", STYLES_XML);
    await this.zip.add(
      "_rels/.rels",
      XML_HEAD +
        `<Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
        `<Relationship Id="rId3" Type="${REL_NS}/extended-properties" Target="docProps/app.xml"/>` +
        `</Relationships>`,
    );
    await this.zip.add(
      "docProps/core.xml",
      XML_HEAD +
        `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
        `<dc:creator>${xmlText(this.creator)}</dc:creator><cp:lastModifiedBy>${xmlText(this.creator)}</cp:lastModifiedBy>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${iso}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${iso}</dcterms:modified>` +
        `</cp:coreProperties>`,
    );
    await this.zip.add(
      "docProps/app.xml",
      XML_HEAD +
        `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>`,
    );
    await this.zip.add(
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
    await this.zip.finish();
    this.out.end();
  }
}
