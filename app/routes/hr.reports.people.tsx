// Drill-down 1: the person-years behind one total of a credit report (same filters, one
// group, the same leavers policy — leavers are marked), each linking to the ledger entries
// behind that person's figure.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";
import { ReportError, reportPeople, reportScopeFor } from "~/reports/credit-report.server";
import { definitionParams, parseDefinition } from "~/reports/definition";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const scope = reportScopeFor(user);
  const url = new URL(request.url);
  const parsed = parseDefinition(url.searchParams);
  if (!parsed.success) throw json({ message: "reports.errors.groupKey" }, { status: 400 });
  const group = url.searchParams.get("group") ?? "";
  const page = Math.max(1, Number(url.searchParams.get("page")) || 1);
  try {
    const result = await reportPeople(parsed.data, scope, group, { page, pageSize: 50 });
    return json({ ...result, group, groupParts: result.group, search: definitionParams(parsed.data).toString() }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof ReportError) throw json({ message: error.code }, { status: error.status });
    throw error;
  }
}

export default function ReportPeople() {
  const data = useLoaderData<typeof loader>();
  const { t, locale, points } = useT();
  const label = (l: { zh: string; en: string }) => (locale === "en" ? l.en : l.zh);
  const groupText = data.groupParts.length ? data.groupParts.map((p) => label(p.label)).join(" · ") : t("reports.total");
  const entriesHref = (personId: number, year: number) => {
    const search = new URLSearchParams(data.search);
    search.set("group", data.group);
    search.set("person", String(personId));
    search.set("year", String(year));
    return `/hr/reports/entries?${search.toString()}`;
  };
  return (
    <>
      <h1 data-testid="page-title">{t("reports.people.title")}</h1>
      <p className="lead">
        {t("reports.people.group", { group: groupText })} · {label({ zh: data.root.nameZh, en: data.root.nameEn })}
      </p>
      <p data-testid="people-summary">{t("reports.people.count", { count: data.total, points: points(data.points) })}</p>
      <div className="table-wrap">
        <table data-testid="people-table">
          <thead>
            <tr>
              <th scope="col">{t("reports.csv.employeeNo")}</th>
              <th scope="col">{t("reports.csv.name")}</th>
              <th scope="col">{t("reports.csv.unit")}</th>
              <th scope="col">{t("reports.csv.postType")}</th>
              <th scope="col" className="num">{t("reports.csv.grade")}</th>
              <th scope="col" className="num">{t("reports.csv.year")}</th>
              <th scope="col" className="num">{t("reports.csv.points")}</th>
              <th scope="col" className="num">{t("reports.csv.counted")}</th>
              <th scope="col">{t("reports.csv.met")}</th>
              <th scope="col">{t("reports.people.entries")}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={`${r.personId}-${r.year}`}>
                <td>{r.employeeNo}</td>
                <th scope="row">
                  <Link to={`/hr/people/${encodeURIComponent(r.employeeNo)}`}>{r.name}</Link>
                  {r.left ? (
                    <>
                      {" "}
                      <span className="badge" data-testid="person-left">
                        {t("reportBuilder.left")}
                      </span>
                    </>
                  ) : null}
                </th>
                <td>{label(r.unit)}</td>
                <td>{label(r.postType)}</td>
                <td className="num">{r.grade}</td>
                <td className="num">{r.year}</td>
                <td className="num">{points(r.points)}</td>
                <td className="num">{points(r.counted)}</td>
                <td>
                  <span className={r.met ? "badge badge--ok" : "badge badge--todo"}>{r.met ? t("reports.met.met") : t("reports.met.unmet")}</span>
                </td>
                <td>
                  <Link to={entriesHref(r.personId, r.year)} aria-label={`${t("reports.people.entries")}: ${r.name} ${r.year}`}>
                    {t("reports.people.entries")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={data.page} pages={data.pages} params={{ ...Object.fromEntries(new URLSearchParams(data.search)), group: data.group }} />
      <p>
        <Link to={`/hr/reports?${data.search}`}>{t("reports.back")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
