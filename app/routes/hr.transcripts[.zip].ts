// POST /hr/transcripts.zip — every active person's issued transcript in a unit (within the
// officer's subtree) as one streamed ZIP (app/transcripts/unit-zip.server.ts). The header
// X-Transcript-Count says how many PDFs to expect, for the page's progress bar. Invalid input or
// a unit outside the scope goes back to /hr/transcripts, which shows why; GET goes there too.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { canAccessUnit, requireRole } from "~/auth/guards.server";
import { resolveLocale } from "~/i18n/i18n.server";
import { streamedDownload, ZIP_CONTENT_TYPE } from "~/pdf/http.server";
import { UnitExportSchema } from "~/transcripts/export-form";
import { countUnitPeople, unitTranscriptsZip } from "~/transcripts/unit-zip.server";
import { db } from "~/utils/db.server";
import { readFormData } from "~/utils/form-data.server";
import { parseForm } from "~/utils/forms";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  return redirect("/hr/transcripts");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const formData = await readFormData(request);
  const back = () => {
    const query = new URLSearchParams();
    for (const key of ["unitId", "fromYear", "toYear"]) query.set(key, String(formData.get(key) ?? ""));
    return redirect(`/hr/transcripts?${query}`);
  };
  const parsed = parseForm(formData, UnitExportSchema);
  if (!parsed.ok) return back();
  const unit = await db.unit.findUnique({ where: { id: parsed.data.unitId }, select: { id: true, code: true, path: true } });
  if (!unit || !canAccessUnit(user, unit)) return back();
  const range = { fromYear: parsed.data.fromYear, toYear: parsed.data.toYear };
  const count = await countUnitPeople(unit);
  const locale = await resolveLocale(request, user.locale);
  const zip = unitTranscriptsZip({ user, unit, range, locale, origin: new URL(request.url).origin });
  return streamedDownload(zip, ZIP_CONTENT_TYPE, `transcripts-${unit.code}-${range.fromYear}-${range.toYear}.zip`, {
    "X-Transcript-Count": String(count),
  });
}
