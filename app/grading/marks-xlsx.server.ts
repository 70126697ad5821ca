// Criterion-level marks of a camp as an Excel workbook: the same rows as marks.csv
// (campMarkRows, one row per marker and criterion), on ONE sheet "评分明细" so a moderation
// meeting can sort and filter across projects (an autofilter is set; the project number and
// team are columns). Headers, sheet name, coded values and the rubric's criterion and level
// texts in the reader's language (as the other exports), the header row frozen, points as numbers with two
// decimals (0.00) on the 100-point scale of the screens — the database's centipoints ÷ 100.
// Text cells are written as strings, never formulas, so a comment such as "=1+1" stays text.
// The workbook is streamed to the response rather than built in memory as one buffer.
import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import ExcelJS from "exceljs";
import { DEFAULT_LOCALE, translator, type Locale, type Translate } from "~/i18n/i18n";
import { campMarkRows, MARK_COLUMN_HEADERS, MARK_CSV_HEADER, MARK_VALUE_TEXT } from "./grading.server";

/** The sheet's name in the reader's language ("评分明细" in Chinese). */
export const marksSheetName = (locale: Locale = DEFAULT_LOCALE) => translator(locale)("grading.marks.sheet");
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Cell = string | number | null;
type Column = {
  /** The CSV column the value comes from (its header is MARK_COLUMN_HEADERS of it). */
  from: (typeof MARK_CSV_HEADER)[number];
  width: number;
  /** Centipoints shown as points with two decimals. */
  centipoints?: boolean;
  /** A number format for a plain number. */
  numFmt?: string;
};

export const MARK_XLSX_COLUMNS: Column[] = [
  { from: "project_id", width: 10, numFmt: "0" },
  { from: "team", width: 14 },
  { from: "project", width: 32 },
  { from: "marker", width: 14 },
  { from: "marker_name", width: 12 },
  { from: "status", width: 10 },
  { from: "criterion", width: 28 },
  { from: "competency", width: 12 },
  { from: "weight", width: 10, numFmt: "0" },
  { from: "level", width: 16 },
  { from: "level_points", width: 12, numFmt: "0" },
  { from: "criterion_score", width: 12, centipoints: true },
  { from: "comment", width: 40 },
  { from: "marker_total", width: 12, centipoints: true },
  { from: "final_total", width: 12, centipoints: true },
  { from: "final_method", width: 10 },
];

/** The header row in the reader's language. */
export function markXlsxHeaders(locale: Locale = DEFAULT_LOCALE): string[] {
  const t = translator(locale);
  return MARK_XLSX_COLUMNS.map((c) => t(MARK_COLUMN_HEADERS[c.from]));
}

export const POINTS_FORMAT = "0.00";

/** One spreadsheet row from one campMarkRows row (looked up by the CSV header's names). */
export function xlsxRow(row: Cell[], t: Translate = translator(DEFAULT_LOCALE)): Cell[] {
  return MARK_XLSX_COLUMNS.map((column) => {
    const value = row[MARK_CSV_HEADER.indexOf(column.from)] ?? null;
    if (value === null || value === "") return value;
    if (column.centipoints && typeof value === "number") return value / 100;
    const word = typeof value === "string" ? MARK_VALUE_TEXT[column.from]?.[value] : undefined;
    return word ? t(word) : value;
  });
}

export function buildMarksWorkbook(rows: Cell[][], campId: number, locale: Locale = DEFAULT_LOCALE): ExcelJS.Workbook {
  const t = translator(locale);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "小巷学院 Lane Academy";
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(marksSheetName(locale), {
    views: [{ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2", activeCell: "A2" }],
    properties: { defaultRowHeight: 18 },
  });
  sheet.columns = MARK_XLSX_COLUMNS.map((c, i) => ({
    key: `c${i}`,
    width: c.width,
    style: c.centipoints ? { numFmt: POINTS_FORMAT } : c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  const header = sheet.getRow(1);
  header.values = markXlsxHeaders(locale);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", wrapText: true };
  for (const row of rows) sheet.addRow(xlsxRow(row, t));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: MARK_XLSX_COLUMNS.length } };
  workbook.title = `camp-${campId}-marks`;
  return workbook;
}

/** The workbook as a web stream (for a Response body); a write error ends the stream with it. */
export async function campMarksXlsxStream(campId: number, viewerId: number, locale: Locale = DEFAULT_LOCALE): Promise<ReadableStream<Uint8Array>> {
  const workbook = buildMarksWorkbook(await campMarkRows(campId, viewerId, locale), campId, locale);
  const pass = new PassThrough();
  // The zip stream is piped into `pass` and ends it; only a failure needs handling here.
  workbook.xlsx.write(pass).catch((error: unknown) => pass.destroy(error instanceof Error ? error : new Error(String(error))));
  return createReadableStreamFromReadable(pass);
}
