// The HR export routes (hr.reports[.csv].ts, hr.reports[.xlsx].ts): the builder's definition
// from the query string, checked like the page (role, scope, group), then a streamed download.
import { json } from "@remix-run/node";
import { requireRole } from "~/auth/guards.server";
import { isLocale } from "~/i18n/i18n";
import { countReportPeople, ReportError, reportScopeFor } from "./credit-report.server";
import { parseDefinition } from "./definition";
import { reportExportResponse, type ExportFormat } from "./export.server";

export async function reportExportLoader(request: Request, format: ExportFormat): Promise<Response> {
  const user = await requireRole(request, "hr", "admin");
  const scope = reportScopeFor(user);
  const url = new URL(request.url);
  const parsed = parseDefinition(url.searchParams);
  if (!parsed.success) {
    return json({ errors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) }, { status: 400 });
  }
  const rows = url.searchParams.get("rows") === "groups" ? "groups" : "people";
  const locale = url.searchParams.get("locale");
  try {
    return await reportExportResponse(format, parsed.data, scope, {
      rows,
      sheetPerGroup: url.searchParams.get("sheets") === "group",
      groupKey: url.searchParams.get("group"),
      locale: isLocale(locale) ? locale : (isLocale(user.locale) ? user.locale : "zh-CN"),
      estimate: rows === "people" ? await countReportPeople(parsed.data, scope) : undefined,
    });
  } catch (error) {
    if (error instanceof ReportError) return json({ error: error.code }, { status: error.status });
    throw error;
  }
}
