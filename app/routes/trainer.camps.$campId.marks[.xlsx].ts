// Criterion-level marks of a camp as an Excel workbook, for the lead mentor: the same rows and
// the same permission as marks.csv (trainer.camps.$campId.marks[.csv].ts); the workbook's
// layout is described in app/grading/marks-xlsx.server.ts.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { requireCampLead } from "~/grading/access.server";
import { campMarksXlsxStream, XLSX_CONTENT_TYPE } from "~/grading/marks-xlsx.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  await requireCampLead(user, id.data);
  return new Response(await campMarksXlsxStream(id.data, user.id, await resolveLocale(request, user.locale)), {
    headers: {
      "Content-Type": XLSX_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="camp-${id.data}-marks.xlsx"`,
      "Cache-Control": "no-store",
    },
  });
}
