import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AuditQuerySchema, diffSnapshots, searchAuditLog } from "~/audit/audit-log.server";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const url = new URL(request.url);
  const query = AuditQuerySchema.parse(Object.fromEntries(url.searchParams));
  const result = await searchAuditLog(user, query);
  return json(
    {
      ...result,
      query,
      search: url.search,
      events: result.events.map((e) => ({ ...e, changes: diffSnapshots(e.before, e.after) })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export default function AuditLog() {
  const { events, total, page, pages, actions, query, search } = useLoaderData<typeof loader>();
  const { t, dateTime } = useT();
  const params = Object.fromEntries(
    Object.entries(query)
      .filter(([k, v]) => k !== "page" && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const exportHref = `/hr/audit.csv${search ? search.replace(/([?&])page=\d+&?/, "$1") : ""}`;
  return (
    <>
      <h1 data-testid="page-title">{t("audit.title")}</h1>
      <p className="muted">{t("audit.intro")}</p>
      <Form method="get" className="card filter-grid">
        <label>
          {t("audit.filter.person")}
          <input name="person" defaultValue={query.person ?? ""} />
        </label>
        <label>
          {t("audit.filter.actor")}
          <input name="actor" defaultValue={query.actor ?? ""} autoCapitalize="none" />
        </label>
        <label>
          {t("audit.filter.action")}
          <select name="action" defaultValue={query.action ?? ""}>
            <option value="">{t("audit.filter.anyAction")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.filter.from")}
          <input type="date" name="from" defaultValue={query.from ?? ""} />
        </label>
        <label>
          {t("audit.filter.to")}
          <input type="date" name="to" defaultValue={query.to ?? ""} />
        </label>
        <div className="button-row">
          <button type="submit" className="button button--primary">
            {t("audit.filter.apply")}
          </button>
          <a className="button" href={exportHref} download>
            {t("audit.export")}
          </a>
        </div>
      </Form>
      <p className="muted">{t("common.total", { count: total })}</p>
      {events.length === 0 ? (
        <p>{t("audit.none")}</p>
      ) : (
        <ol className="audit-list">
          {events.map((e) => (
            <li key={e.id} className="card">
              <p>
                <strong>{e.action}</strong> · {e.entityType} #{e.entityId}
                {e.person ? (
                  <>
                    {" "}
                    · {e.person.name} <span className="muted">{e.person.employeeNo}</span>
                  </>
                ) : null}
              </p>
              <p className="muted small">
                {dateTime(e.createdAt)} · {t("audit.actor")}: {e.actor ? `${e.actor.displayName} (${e.actor.username})` : t("audit.system")}
                {e.requestId ? ` · ${t("audit.requestId")} ${e.requestId.slice(0, 8)}` : ""}
              </p>
              {e.changes.length > 0 ? (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("audit.field")}</th>
                        <th scope="col">{t("audit.before")}</th>
                        <th scope="col">{t("audit.after")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {e.changes.map((c) => (
                        <tr key={c.field}>
                          <th scope="row">{c.field}</th>
                          <td>{c.before}</td>
                          <td>{c.after}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
              {e.reason ? (
                <p>
                  {t("audit.reason")}: {e.reason}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <Pagination page={page} pages={pages} params={params} />
      <p>
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
