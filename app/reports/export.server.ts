// Credit reports as CSV and XLSX, streamed: rows are written batch by batch as
// iterateReportPeople (or runCreditReport, for the few group rows) produces them, so an export
// of 20,000 person-years never holds more than one batch and the writer's buffers.
//
// Public interface (the HR routes and GET /api/v1/reports/credits use it):
//   writeReportCsv(definition, scope, out, options)   → { rows }   CSV into a Node Writable
//   writeReportXlsx(definition, scope, out, options)  → { rows }   XLSX into a Node Writable
//   reportExportResponse(format, definition, scope, options) → Response (streamed body, headers)
// options.rows: "people" (one row per person-year, the default) or "groups" (the report table);
// options.locale: headers' language (default zh-CN); options.sheetPerGroup (XLSX, people rows):
// one worksheet per value of the first grouping, which must be unit, post type, grade or year.
//
// CSV: app/utils/csv.ts is the one CSV writer (UTF-8 BOM, formula-looking text neutralised).
// XLSX: app/reports/xlsx-writer.server.ts (a lean SpreadsheetML writer, not exceljs: see
// docs/decisions/010-xlsx-export-writer.md); headers in the chosen language (Chinese by
// default), the header row frozen, points as numbers formatted 0.00, rates as 0.0%.
// Both wait between batches while the output is behind (a slow download holds the export back),
// and both fail instead of hanging when the download is abandoned.
import { PassThrough, type Writable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { CREDIT_CATEGORIES } from "~/credits/status";
import { translator, type Locale, type MessageKey } from "~/i18n/i18n";
import { CSV_BOM, csvLine } from "~/utils/csv";
import type { DbTx } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { isPersonDimension, type ReportDefinition } from "./definition";
import {
  checkReportRequest,
  iterateReportPeople,
  ReportError,
  runCreditReport,
  type LabelledPart,
  type ReportGroupRow,
  type ReportPersonRow,
  type ReportScope,
} from "./credit-report.server";
import { drained, XlsxStreamWriter, type XlsxColumn } from "./xlsx-writer.server";

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

export type ExportOptions = {
  rows?: "people" | "groups";
  locale?: Locale;
  sheetPerGroup?: boolean;
  groupKey?: string | null;
  client?: DbTx;
  /** Called after each batch with the rows written so far. */
  onProgress?: (rows: number) => void;
};

type Kind = "text" | "integer" | "points" | "rate";
type Column<Row> = { header: string; kind: Kind; width: number; value: (row: Row) => string | number | null };

function labelOf(locale: Locale, label: { zh: string; en: string }) {
  return locale === "en" ? label.en : label.zh;
}

/** Centipoints → points as a number (exact to two decimals). */
const points = (centipoints: number | null) => (centipoints === null ? null : centipoints / 100);

function personColumns(definition: ReportDefinition, locale: Locale): Column<ReportPersonRow>[] {
  const t = translator(locale);
  const groupDims = definition.groupBy.filter(isPersonDimension).filter((d) => d === "unit");
  return [
    { header: t("reports.csv.employeeNo"), kind: "text", width: 12, value: (r) => r.employeeNo },
    { header: t("reports.csv.name"), kind: "text", width: 10, value: (r) => r.name },
    // The unit grouping (e.g. the street) next to the person's own unit (the residential area).
    ...groupDims.map(
      (dim): Column<ReportPersonRow> => ({
        header: t(`reports.dim.${dim}` as MessageKey),
        kind: "text",
        width: 16,
        value: (r) => {
          const part = r.parts.find((p) => p.dim === dim);
          return part ? labelOf(locale, part.label) : null;
        },
      }),
    ),
    { header: t("reports.csv.unit"), kind: "text", width: 18, value: (r) => labelOf(locale, r.unit) },
    { header: t("reports.csv.postType"), kind: "text", width: 10, value: (r) => labelOf(locale, r.postType) },
    { header: t("reports.csv.grade"), kind: "integer", width: 6, value: (r) => r.grade },
    { header: t("reports.csv.year"), kind: "integer", width: 6, value: (r) => r.year },
    { header: t("reports.csv.points"), kind: "points", width: 12, value: (r) => points(r.points) },
    ...CREDIT_CATEGORIES.map(
      (category): Column<ReportPersonRow> => ({
        header: t(`credits.category.${category}` as MessageKey),
        kind: "points",
        width: 10,
        value: (r) => points(r.byCategory[category]),
      }),
    ),
    { header: t("reports.csv.earned"), kind: "points", width: 12, value: (r) => points(r.earned) },
    { header: t("reports.csv.counted"), kind: "points", width: 12, value: (r) => points(r.counted) },
    { header: t("reports.csv.required"), kind: "points", width: 10, value: (r) => points(r.required) },
    { header: t("reports.csv.met"), kind: "text", width: 8, value: (r) => (r.met ? t("reports.csv.metYes") : t("reports.csv.metNo")) },
    // Leavers count in past years by default (ADR 011); the file says who they are, as the drill-down does.
    { header: t("reportBuilder.left"), kind: "text", width: 8, value: (r) => (r.left ? t("reports.csv.metYes") : t("reports.csv.metNo")) },
  ];
}

function groupColumns(definition: ReportDefinition, locale: Locale): Column<ReportGroupRow>[] {
  const t = translator(locale);
  const dims = definition.groupBy.map(
    (dim, index): Column<ReportGroupRow> => ({
      header: t(`reports.dim.${dim}` as MessageKey),
      kind: "text",
      width: 18,
      value: (r) => (r.parts[index] ? labelOf(locale, r.parts[index].label) : t("reports.total")),
    }),
  );
  const figures = definition.columns.map((column): Column<ReportGroupRow> => {
    if ((CREDIT_CATEGORIES as readonly string[]).includes(column)) {
      const category = column as (typeof CREDIT_CATEGORIES)[number];
      return { header: t(`credits.category.${category}` as MessageKey), kind: "points", width: 12, value: (r) => points(r.byCategory[category]) };
    }
    const header = t(`reports.col.${column}` as MessageKey);
    switch (column) {
      case "metRate":
        return { header, kind: "rate", width: 10, value: (r) => r.metRate };
      case "points":
      case "avgPoints":
      case "counted":
        return { header, kind: "points", width: 12, value: (r) => points(r[column]) };
      default:
        return { header, kind: "integer", width: 10, value: (r) => r[column as "headcount" | "met" | "unmet"] };
    }
  });
  return [...dims, ...figures];
}

/** Writes and waits when the consumer is behind, so a slow download doesn't fill memory. */
async function write(out: Writable, chunk: string) {
  if (!out.write(chunk)) await drained(out);
}

async function groupRowsWithTotal(definition: ReportDefinition, scope: ReportScope, options: ExportOptions) {
  const result = await runCreditReport(definition, scope, { client: options.client });
  const total: ReportGroupRow = { key: "", parts: [] as LabelledPart[], ...result.totals };
  return [...result.rows, total];
}

/** The report as CSV (UTF-8 with BOM, formula-safe) written into `out`, which is then ended. */
export async function writeReportCsv(
  definition: ReportDefinition,
  scope: ReportScope,
  out: Writable,
  options: ExportOptions = {},
): Promise<{ rows: number }> {
  const locale = options.locale ?? "zh-CN";
  let rows = 0;
  await write(out, CSV_BOM);
  if (options.rows === "groups") {
    const columns = groupColumns(definition, locale);
    await write(out, csvLine(columns.map((c) => c.header)));
    for (const row of await groupRowsWithTotal(definition, scope, options)) {
      await write(out, csvLine(columns.map((c) => c.value(row))));
      rows++;
    }
  } else {
    const columns = personColumns(definition, locale);
    await write(out, csvLine(columns.map((c) => c.header)));
    for await (const batch of iterateReportPeople(definition, scope, { groupKey: options.groupKey, client: options.client })) {
      await write(out, batch.map((row) => csvLine(columns.map((c) => c.value(row)))).join(""));
      rows += batch.length;
      options.onProgress?.(rows);
    }
  }
  out.end();
  return { rows };
}

/** Excel refuses these in sheet names; 31 characters at most; unique within the workbook. */
function sheetName(label: string, used: Set<string>): string {
  const base = label.replace(/[[\]:*?/\\]/g, " ").trim().slice(0, 28) || "Sheet";
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 27)}~${n}`;
  used.add(name.toLowerCase());
  return name;
}

const xlsxColumns = <Row>(columns: Column<Row>[]): XlsxColumn[] =>
  columns.map((c) => ({ header: c.header, width: c.width, format: c.kind === "text" ? undefined : c.kind }));

/**
 * The report as an XLSX workbook streamed into `out` (ended when done). Text cells are strings
 * (never formulas), so no neutralisation is needed here.
 */
export async function writeReportXlsx(
  definition: ReportDefinition,
  scope: ReportScope,
  out: Writable,
  options: ExportOptions = {},
): Promise<{ rows: number }> {
  const locale = options.locale ?? "zh-CN";
  const t = translator(locale);
  const sheetPerGroup = options.sheetPerGroup === true && options.rows !== "groups";
  if (sheetPerGroup && !isPersonDimension(definition.groupBy[0])) throw new ReportError("reports.errors.sheetsNeedPersonGroup");
  const book = new XlsxStreamWriter(out, { creator: "小巷学院 Lane Academy" });
  let rows = 0;
  if (options.rows === "groups") {
    const columns = groupColumns(definition, locale);
    const values = new Array<string | number | null>(columns.length);
    await book.addSheet(t("reports.csv.sheet"), xlsxColumns(columns));
    for (const row of await groupRowsWithTotal(definition, scope, options)) {
      for (let i = 0; i < columns.length; i++) values[i] = columns[i].value(row);
      book.addRow(values);
      rows++;
    }
  } else {
    const columns = personColumns(definition, locale);
    const sheetColumns = xlsxColumns(columns);
    // One array reused for every row: the writer turns it into XML at once.
    const values = new Array<string | number | null>(columns.length);
    const used = new Set<string>();
    const firstDim = definition.groupBy[0];
    let started = false;
    let currentGroup: string | null = null;
    if (!sheetPerGroup) {
      await book.addSheet(t("reports.csv.sheet"), sheetColumns);
      started = true;
    }
    for await (const batch of iterateReportPeople(definition, scope, { groupKey: options.groupKey, client: options.client })) {
      for (const row of batch) {
        if (sheetPerGroup) {
          // Rows arrive in group order, so each sheet is finished before the next begins.
          const part = row.parts.find((p) => p.dim === firstDim)!;
          if (part.value !== currentGroup) {
            currentGroup = part.value;
            await book.addSheet(sheetName(labelOf(locale, part.label), used), sheetColumns);
            started = true;
          }
        }
        for (let i = 0; i < columns.length; i++) values[i] = columns[i].value(row);
        book.addRow(values);
        if (book.needsFlush) await book.flush();
      }
      rows += batch.length;
      options.onProgress?.(rows);
    }
    // No person at all: still one sheet, with its header row.
    if (!started) await book.addSheet(t("reports.csv.sheet"), sheetColumns);
  }
  await book.finish();
  return { rows };
}

export type ExportFormat = "csv" | "xlsx";

/**
 * A streamed download of the report. Input errors (ReportError) are thrown before the response
 * starts, so the caller can answer 400/403; a failure halfway through aborts the download.
 * `X-Report-Rows-Estimate` tells a progress bar how many rows to expect at most.
 */
export async function reportExportResponse(
  format: ExportFormat,
  definition: ReportDefinition,
  scope: ReportScope,
  options: ExportOptions & { filename?: string; estimate?: number } = {},
): Promise<Response> {
  if (format === "xlsx" && options.sheetPerGroup && options.rows !== "groups" && !isPersonDimension(definition.groupBy[0])) {
    throw new ReportError("reports.errors.sheetsNeedPersonGroup");
  }
  // Scope and group are checked before any byte is sent, so refusals get proper statuses.
  await checkReportRequest(definition, scope, options.groupKey ?? null, { client: options.client });
  const pass = new PassThrough();
  const writer = format === "csv" ? writeReportCsv : writeReportXlsx;
  writer(definition, scope, pass, options).catch((error: unknown) => {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, "report export failed");
    pass.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  const filename = `${options.filename ?? `credit-report-${definition.yearFrom}${definition.yearTo !== definition.yearFrom ? `-${definition.yearTo}` : ""}`}.${format}`;
  return new Response(createReadableStreamFromReadable(pass), {
    headers: {
      "Content-Type": format === "csv" ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      ...(options.estimate !== undefined ? { "X-Report-Rows-Estimate": String(options.estimate) } : {}),
    },
  });
}
