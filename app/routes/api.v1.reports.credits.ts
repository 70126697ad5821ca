import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { API_PAGE_DEFAULT, API_PAGE_MAX, apiJson, badCursor, apiLocale, codeParam, cursorParam, decodeCursor, encodeCursor, limitParam, parseQuery, yearParam } from "~/api/api.server";
import { hrApiError, readOnlyAction, requireHrApiCaller } from "~/api/hr-api.server";
import { requireUnitInScope } from "~/api/hr-data.server";
import { reportGroupJson, reportPersonJson } from "~/api/reports.server";
import { iterateReportPeople, ReportError, runCreditReport, type ReportPersonRow, type ReportScope } from "~/reports/credit-report.server";
import { DIMENSIONS, LEAVER_POLICIES, MET_FILTERS, REPORT_COLUMNS, ReportDefinitionSchema, type Dimension } from "~/reports/definition";
import { reportExportResponse } from "~/reports/export.server";
import { msg } from "~/utils/forms";
import { shanghaiYear } from "~/utils/time";

const Query = z.object({
  year: yearParam.optional(),
  unit: codeParam.optional(),
  format: z.enum(["json", "csv", "xlsx"], msg("api.errors.format")).default("json"),
  /** groups: the report table; people: one row per person-year. */
  rows: z.enum(["groups", "people"], msg("errors.invalidChoice")).optional(),
  /** Comma-separated, one or two of unit, postType, grade, year, competency, month. */
  groupBy: z
    .string()
    .max(100)
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(DIMENSIONS, msg("errors.invalidChoice"))).min(1, msg("reports.errors.groupBy")).max(2, msg("reports.errors.groupBy")))
    .optional(),
  met: z.enum(MET_FILTERS, msg("errors.invalidChoice")).optional(),
  /** People who have left: past (default: years before the current one), all, none (ADR 011). */
  leavers: z.enum(LEAVER_POLICIES, msg("errors.invalidChoice")).optional(),
  limit: limitParam(API_PAGE_MAX, API_PAGE_DEFAULT),
  cursor: cursorParam,
});

const OffsetCursor = z.object({ offset: z.number().int().min(0) });

/**
 * GET /api/v1/reports/credits?year=YYYY&unit=CODE&format=json|csv|xlsx — the HR credit report
 * (app/reports), within the caller's scope. JSON: the group table (rows=groups, default) or
 * person-years a page at a time (rows=people, cursor); CSV/XLSX: streamed downloads, one row
 * per person-year by default (rows=groups for the table), headers in the caller's language.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireHrApiCaller(request);
  const query = await parseQuery(request, Query);
  const unit = query.unit ? await requireUnitInScope(request, caller, query.unit) : null;
  const year = query.year ?? shanghaiYear();
  const groupBy: Dimension[] = query.groupBy ?? ["unit"];
  const definition = ReportDefinitionSchema.parse({
    yearFrom: String(year),
    yearTo: String(year),
    unitId: unit ? String(unit.id) : undefined,
    groupBy,
    met: query.met,
    leavers: query.leavers,
    columns: [...REPORT_COLUMNS],
  });
  const scope: ReportScope = { unitPath: caller.scopePath };
  const locale = await apiLocale(request);
  const rows = query.rows ?? (query.format === "json" ? "groups" : "people");
  try {
    if (query.format !== "json") {
      const response = await reportExportResponse(query.format, definition, scope, { rows, locale });
      for (const [name, value] of Object.entries(caller.headers)) response.headers.set(name, value);
      return response;
    }
    if (rows === "groups") {
      const report = await runCreditReport(definition, scope);
      return apiJson(
        {
          year,
          unit: { code: report.root.code, nameZh: report.root.nameZh, nameEn: report.root.nameEn },
          groupBy,
          rows: report.rows.map(reportGroupJson),
          totals: reportGroupJson({ key: "", parts: [], ...report.totals }),
        },
        { headers: caller.headers },
      );
    }
    const offset = query.cursor ? (decodeCursor(query.cursor, OffsetCursor)?.offset ?? (await badCursor(request))) : 0;
    // The report's own order (group, then person), a page at a time: the generator is left as
    // soon as the page is full, so an early page costs only the batches before it.
    const page: ReportPersonRow[] = [];
    let seen = 0;
    outer: for await (const batch of iterateReportPeople(definition, scope)) {
      for (const row of batch) {
        if (seen++ < offset) continue;
        page.push(row);
        if (page.length > query.limit) break outer;
      }
    }
    const more = page.length > query.limit;
    return apiJson(
      { year, groupBy, data: page.slice(0, query.limit).map(reportPersonJson), nextCursor: more ? encodeCursor({ offset: offset + query.limit }) : null },
      { headers: caller.headers },
    );
  } catch (error) {
    if (error instanceof ReportError) throw await hrApiError(request, error.status, error.code, undefined, { headers: caller.headers });
    throw error;
  }
}

export const action = readOnlyAction;
