// Criterion-level marks of a camp as an Excel workbook: the same rows as marks.csv
// (campMarkRows, one row per marker and criterion), on ONE sheet "评分明细" so a moderation
// meeting can sort and filter across projects (an autofilter is set; the project number and
// team are columns). Chinese headers, the header row frozen, points as numbers with two
// decimals (0.00) on the 100-point scale of the screens — the database's centipoints ÷ 100.
// Text cells are written as strings, never formulas, so a comment such as "=1+1" stays text.
// The workbook is streamed to the response rather than built in memory as one buffer.
import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import ExcelJS from "exceljs";
import { campMarkRows, MARK_CSV_HEADER } from "./grading.server";

export const MARKS_SHEET_NAME = "评分明细";
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Cell = string | number | null;
type Column = {
  header: string;
  /** The CSV column the value comes from. */
  from: (typeof MARK_CSV_HEADER)[number];
  width: number;
  /** Centipoints shown as points with two decimals. */
  centipoints?: boolean;
  /** A number format for a plain number. */
  numFmt?: string;
  translate?: Record<string, string>;
};

export const MARK_XLSX_COLUMNS: Column[] = [
  { header: "项目编号", from: "project_id", width: 10, numFmt: "0" },
  { header: "小组", from: "team", width: 14 },
  { header: "项目", from: "project", width: 32 },
  { header: "评分人账号", from: "marker", width: 14 },
  { header: "评分人", from: "marker_name", width: 12 },
  { header: "评分状态", from: "status", width: 10, translate: { submitted: "已提交", draft: "草稿" } },
  { header: "评分项", from: "criterion", width: 28 },
  { header: "素养代码", from: "competency", width: 12 },
  { header: "权重（%）", from: "weight", width: 10, numFmt: "0" },
  { header: "等级", from: "level", width: 16 },
  { header: "等级得分（%）", from: "level_points", width: 12, numFmt: "0" },
  { header: "评分项得分", from: "criterion_score", width: 12, centipoints: true },
  { header: "评语", from: "comment", width: 40 },
  { header: "评分人总分", from: "marker_total", width: 12, centipoints: true },
  { header: "最终成绩", from: "final_total", width: 12, centipoints: true },
  { header: "成绩方式", from: "final_method", width: 10, translate: { mean: "平均", moderated: "审定" } },
];

export const POINTS_FORMAT = "0.00";

/** One spreadsheet row from one campMarkRows row (looked up by the CSV header's names). */
export function xlsxRow(row: Cell[]): Cell[] {
  return MARK_XLSX_COLUMNS.map((column) => {
    const value = row[MARK_CSV_HEADER.indexOf(column.from)] ?? null;
    if (value === null || value === "") return value;
    if (column.centipoints && typeof value === "number") return value / 100;
    if (column.translate && typeof value === "string") return column.translate[value] ?? value;
    return value;
  });
}

export function buildMarksWorkbook(rows: Cell[][], campId: number): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "小巷学院 Lane Academy";
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(MARKS_SHEET_NAME, {
    views: [{ state: "frozen", xSplit: 0, ySplit: 1, topLeftCell: "A2", activeCell: "A2" }],
    properties: { defaultRowHeight: 18 },
  });
  sheet.columns = MARK_XLSX_COLUMNS.map((c, i) => ({
    key: `c${i}`,
    width: c.width,
    style: c.centipoints ? { numFmt: POINTS_FORMAT } : c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  const header = sheet.getRow(1);
  header.values = MARK_XLSX_COLUMNS.map((c) => c.header);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", wrapText: true };
  for (const row of rows) sheet.addRow(xlsxRow(row));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: MARK_XLSX_COLUMNS.length } };
  workbook.title = `camp-${campId}-marks`;
  return workbook;
}

/** The workbook as a web stream (for a Response body); a write error ends the stream with it. */
export async function campMarksXlsxStream(campId: number): Promise<ReadableStream<Uint8Array>> {
  const workbook = buildMarksWorkbook(await campMarkRows(campId), campId);
  const pass = new PassThrough();
  // The zip stream is piped into `pass` and ends it; only a failure needs handling here.
  workbook.xlsx.write(pass).catch((error: unknown) => pass.destroy(error instanceof Error ? error : new Error(String(error))));
  return createReadableStreamFromReadable(pass);
}
