// Reading an uploaded file into a table of strings: XLSX (first worksheet, by exceljs) or CSV
// (papaparse) in UTF-8, UTF-8 with a BOM, UTF-16 with a BOM or GBK/GB18030 — the encoding of
// many mainland HR systems' exports. The bytes decide, never the file name.
//
// Encoding: a file that is valid UTF-8 is UTF-8. Otherwise it is decoded as GB18030 (a
// superset of GBK and GB2312) and accepted only when that gives no invalid sequence and the
// non-ASCII characters are Chinese text; anything else is refused with chardet's guess named,
// because silently decoding a Latin-1 or Big5 file as GBK would import garbled names.
import { readFile } from "node:fs/promises";
import chardet from "chardet";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import Papa from "papaparse";
import { ImportError, type RowIssue } from "./errors";
import { MAX_IMPORT_ROWS } from "./kinds";

export type FileEncoding = "utf-8" | "gbk" | "utf-16" | "xlsx";

export type ParsedTable = {
  encoding: FileEncoding;
  headers: string[];
  /** Data rows (trimmed cells), with the row number a spreadsheet would show. */
  rows: { row: number; cells: string[] }[];
  /** Rows the parser could not read cleanly (bad quotes, extra cells). */
  issues: RowIssue[];
};

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** Han ideographs, CJK and full-width punctuation, middle dots: what Chinese text is made of. */
const CHINESE = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u00b7\u2014\u2018-\u201d\u2026\u2160-\u216b\u{20000}-\u{2fa1f}]/u;

function looksChinese(text: string): boolean {
  let nonAscii = 0;
  let chinese = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    nonAscii++;
    if (CHINESE.test(ch)) chinese++;
  }
  return nonAscii === 0 || chinese / nonAscii >= 0.9;
}

/** Text and the encoding it was in; throws ImportError for binary or unknown encodings. */
export function decodeText(bytes: Buffer): { text: string; encoding: Exclude<FileEncoding, "xlsx"> } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: bytes.subarray(3).toString("utf8"), encoding: "utf-8" };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: iconv.decode(bytes.subarray(2), "utf-16le"), encoding: "utf-16" };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: iconv.decode(bytes.subarray(2), "utf-16be"), encoding: "utf-16" };
  // NUL bytes never occur in a text export; a binary file renamed .csv ends here.
  if (bytes.includes(0)) throw new ImportError("imports.errors.notText");
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    // not UTF-8: try GBK below
  }
  const gbk = iconv.decode(bytes, "gb18030");
  if (!gbk.includes("\uFFFD") && looksChinese(gbk)) return { text: gbk, encoding: "gbk" };
  const guess = chardet.detect(bytes) ?? "?";
  throw new ImportError("imports.errors.encoding", { guess });
}

/**
 * The separator the header line uses most (comma, tab, semicolon or bar). Papaparse's own guess
 * needs consistent field counts over the first rows, which blank lines (kept here so row
 * numbers match the file) defeat.
 */
export function guessDelimiter(text: string): string {
  const header = text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  let best = ",";
  let bestCount = 0;
  for (const candidate of [",", "\t", ";", "|"]) {
    const count = header.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

function parseCsv(text: string): { rows: { row: number; cells: string[] }[]; issues: RowIssue[] } {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: false, delimiter: guessDelimiter(text) });
  const issues: RowIssue[] = [];
  for (const error of result.errors) {
    const row = (error.row ?? 0) + 1;
    issues.push({ row, key: error.type === "Quotes" ? "imports.errors.badQuotes" : "imports.errors.badRow" });
  }
  const rows = result.data.map((cells, index) => ({ row: index + 1, cells: cells.map((c) => c.trim()) }));
  return { rows, issues };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value) return String(value.text);
    if ("error" in value) return "";
    return "";
  }
  return String(value);
}

async function parseXlsx(bytes: Buffer): Promise<{ rows: { row: number; cells: string[] }[]; issues: RowIssue[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new ImportError("imports.errors.malformed");
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new ImportError("imports.errors.empty");
  const rows: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based: values[0] is unused
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
    rows.push({ row: rowNumber, cells });
  });
  return { rows, issues: [] };
}

/**
 * The file as a table: the first non-empty row is the header, empty rows are dropped, cells
 * trimmed. Refuses (ImportError) binary files, legacy .xls, unknown encodings, files without
 * a header or data rows and files over MAX_IMPORT_ROWS.
 */
export async function parseImportFile(filePath: string): Promise<ParsedTable> {
  const bytes = await readFile(filePath);
  if (bytes.length === 0) throw new ImportError("imports.errors.empty");
  if (startsWith(bytes, OLE)) throw new ImportError("imports.errors.legacyXls");
  let encoding: FileEncoding;
  let parsed: { rows: { row: number; cells: string[] }[]; issues: RowIssue[] };
  if (startsWith(bytes, ZIP)) {
    encoding = "xlsx";
    parsed = await parseXlsx(bytes);
  } else {
    const decoded = decodeText(bytes);
    encoding = decoded.encoding;
    parsed = parseCsv(decoded.text);
  }
  const nonEmpty = parsed.rows.filter((r) => r.cells.some((c) => c !== ""));
  const [header, ...data] = nonEmpty;
  if (!header) throw new ImportError("imports.errors.empty");
  const headers = header.cells.map((h) => h.replace(/^\uFEFF/, ""));
  while (headers.length > 0 && headers[headers.length - 1] === "") headers.pop();
  if (headers.length === 0) throw new ImportError("imports.errors.noHeader");
  if (data.length === 0) throw new ImportError("imports.errors.noRows");
  if (data.length > MAX_IMPORT_ROWS) throw new ImportError("imports.errors.tooManyRows", { rows: data.length, max: MAX_IMPORT_ROWS });
  const issues = [...parsed.issues];
  for (const r of data) {
    // Trailing empty cells are common in exports; a filled cell beyond the header is not.
    if (r.cells.slice(headers.length).some((c) => c !== "")) {
      issues.push({ row: r.row, key: "imports.errors.extraCells", params: { count: r.cells.length, columns: headers.length } });
    }
  }
  return { encoding, headers, rows: data, issues };
}
