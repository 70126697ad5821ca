// The credit report as an XLSX workbook (Chinese headers, frozen header row, number formats,
// optionally one sheet per group), streamed: see app/reports/export.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { reportExportLoader } from "~/reports/export-route.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return reportExportLoader(request, "xlsx");
}
