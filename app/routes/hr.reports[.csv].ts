// The credit report as CSV (UTF-8 with BOM, formula-safe), streamed: see app/reports/export.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { reportExportLoader } from "~/reports/export-route.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return reportExportLoader(request, "csv");
}
