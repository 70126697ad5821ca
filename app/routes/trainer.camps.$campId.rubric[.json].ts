// The camp's rubric as JSON (competencies by code), for editing and importing elsewhere.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guards.server";
import { requireCampStaff } from "~/grading/access.server";
import { loadCampRubric, rubricDocument } from "~/grading/grading.server";
import { rubricToJson } from "~/grading/rubric-format";
import { db } from "~/utils/db.server";
import { fields } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  await requireCampStaff(user, id.data);
  const rubric = await loadCampRubric(db, id.data);
  if (!rubric) notFound();
  const document = await rubricDocument(db, rubric.id);
  return new Response(rubricToJson(document!), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="camp-${id.data}-rubric.json"`,
      "Cache-Control": "no-store",
    },
  });
}
