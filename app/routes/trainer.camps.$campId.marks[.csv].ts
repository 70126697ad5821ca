// Criterion-level marks of a camp (one row per marker and criterion), for the lead mentor:
// the spreadsheet a moderation meeting works from. CSV through app/utils/csv.ts. Headers, coded
// values and the rubric's texts follow the reader's language, as the other exports do.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { requireCampLead } from "~/grading/access.server";
import { campMarkRows, MARK_COLUMN_HEADERS, MARK_CSV_HEADER, markRowText } from "~/grading/grading.server";
import { translator } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { csvDocument } from "~/utils/csv";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  await requireCampLead(user, id.data);
  const locale = await resolveLocale(request, user.locale);
  const t = translator(locale);
  const rows = (await campMarkRows(id.data, user.id, locale)).map((row) => markRowText(row, t));
  return new Response(csvDocument(MARK_CSV_HEADER.map((column) => t(MARK_COLUMN_HEADERS[column])), rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="camp-${id.data}-marks.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
