import type { LoaderFunctionArgs } from "@remix-run/node";
import { AuditQuerySchema, exportAuditLog } from "~/audit/audit-log.server";
import { requireRole } from "~/auth/guards.server";
import { translator } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { csvDocument } from "~/utils/csv";

/** GET /hr/audit.csv — the filtered audit log as CSV (same filters and scope as the page). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = AuditQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const events = await exportAuditLog(user, query);
  const t = translator(await resolveLocale(request, user.locale));
  const body = csvDocument(
    [t("audit.when"), t("audit.actor"), t("audit.action"), t("audit.subject"), t("people.employeeNo"), t("people.name"), t("audit.before"), t("audit.after"), t("audit.reason"), t("audit.requestId")],
    events.map((e) => [
      e.createdAt,
      e.actor?.username ?? t("audit.system"),
      e.action,
      `${e.entityType}#${e.entityId}`,
      e.person?.employeeNo ?? "",
      e.person?.name ?? "",
      e.before ?? "",
      e.after ?? "",
      e.reason ?? "",
      e.requestId ?? "",
    ]),
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
