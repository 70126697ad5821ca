// Criterion-level marks of a camp (one row per marker and criterion), for the lead mentor:
// the spreadsheet a moderation meeting works from. CSV through app/utils/csv.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { requireCampLead } from "~/grading/access.server";
import { campMarkRows, MARK_CSV_HEADER } from "~/grading/grading.server";
import { csvDocument } from "~/utils/csv";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  await requireCampLead(user, id.data);
  return new Response(csvDocument(MARK_CSV_HEADER, await campMarkRows(id.data)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="camp-${id.data}-marks.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
