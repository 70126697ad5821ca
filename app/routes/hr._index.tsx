import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { CoverageHeatmap, SeriesChart } from "~/components/charts/figure-charts";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { loadHrHome } from "~/hr/hr-home.server";
import { toolsFor } from "~/hr/tools";
import { useT } from "~/i18n/i18n";
import { shanghaiYear } from "~/utils/time";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const year = shanghaiYear();
  return json({ year, tools: toolsFor(user.role), ...(await loadHrHome(user, year)) }, { headers: { "Cache-Control": "no-store" } });
}

export default function HrHome() {
  const { scope, total, rows, tools, charts, year } = useLoaderData<typeof loader>();
  const { t, locale, number, points, date } = useT();
  // "2026-03" → "3月" / "Mar"; a month of another calendar year (an entry booked to this credit
  // year later) keeps its year: "2027年1月" / "Jan 2027".
  const monthLabel = (month: string) =>
    date(`${month}-15T12:00:00+08:00`, month.startsWith(String(year)) ? { dateStyle: undefined, month: "short" } : { dateStyle: undefined, month: "short", year: "numeric" });
  const percent = (value: number) => number(value, { style: "percent", maximumFractionDigits: 0 });
  const name = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  return (
    <>
      <h1 data-testid="page-title">{t("home.hr.title")}</h1>
      {scope ? (
        <p className="lead">
          {t("home.hr.scope", { unit: name(scope) })} · <Link to="/hr/people">{t("home.hr.people", { count: total })}</Link>
        </p>
      ) : null}
      <nav className="card tool-groups" aria-labelledby="tools-title">
        <h2 id="tools-title">{t("hrTools.title")}</h2>
        {tools.map((group) => (
          <div key={group.title} className="tool-group">
            <h3>{t(group.title)}</h3>
            <ul>
              {group.tools.map((tool) => (
                <li key={tool.to}>
                  <Link to={tool.to}>{t(tool.label)}</Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <section className="card" aria-labelledby="by-unit-title">
        <h2 id="by-unit-title">{t("home.hr.byStreet")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("home.hr.unit")}</th>
                <th scope="col" className="num">{t("home.hr.headcount")}</th>
                <th scope="col" className="num">{t("home.hr.metCount")}</th>
                <th scope="col" className="num">{t("home.hr.metShare")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.unit.id}>
                  <th scope="row">{name(row.unit)}</th>
                  <td className="num">{number(row.headcount)}</td>
                  <td className="num">{number(row.met)}</td>
                  <td className="num">
                    {row.headcount ? number(row.met / row.headcount, { style: "percent", maximumFractionDigits: 0 }) : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {charts ? (
        <section className="card" aria-labelledby="charts-title">
          <h2 id="charts-title">
            {t("reports.charts.title")} · {year}
          </h2>
          <SeriesChart
            id="completion"
            title={t("reports.charts.completion")}
            data={rows.map((row) => ({ key: String(row.unit.id), label: name(row.unit), value: row.headcount ? row.met / row.headcount : 0 }))}
            labelHeader={t("home.hr.unit")}
            valueHeader={t("home.hr.metShare")}
            format={percent}
          />
          <SeriesChart
            id="distribution"
            title={t("reports.charts.distribution")}
            data={charts.distribution.map((b) => ({
              key: String(b.from),
              label: b.to === null ? `≥ ${points(b.from)}` : `${points(b.from)}–${points(b.to)}`,
              value: b.count,
            }))}
            labelHeader={t("reports.charts.bucket")}
            valueHeader={t("reports.charts.people")}
            format={(v) => number(v)}
          />
          <CoverageHeatmap
            id="coverage"
            title={t("reports.charts.heatmap")}
            hint={t("reports.charts.heatmapHint")}
            corner={t("home.hr.unit")}
            format={percent}
            data={{
              rows: rows.map((row) => ({ key: String(row.unit.id), label: name(row.unit) })),
              columns: charts.competencies.map((c) => ({ key: String(c.id), label: name(c) })),
              values: Object.fromEntries(charts.coverage.map((c) => [String(c.unitId), c.shares])),
            }}
          />
          <SeriesChart
            id="trend"
            kind="line"
            title={t("reports.charts.trendYears")}
            data={charts.trend.map((y) => ({ key: String(y.year), label: String(y.year), value: y.points / 100 }))}
            labelHeader={t("reports.csv.year")}
            valueHeader={t("reports.col.points")}
            format={(v) => number(v, { maximumFractionDigits: 0 })}
          />
          <SeriesChart
            id="months"
            kind="line"
            title={t("reportBuilder.charts.months", { year })}
            hint={t("reportBuilder.charts.monthsHint")}
            data={charts.months.map((m) => ({ key: m.month, label: monthLabel(m.month), value: m.points / 100 }))}
            labelHeader={t("reports.charts.month")}
            valueHeader={t("reports.col.points")}
            format={(v) => number(v, { maximumFractionDigits: 2 })}
          />
          <p>
            <Link to="/hr/reports">{t("reports.title")}</Link> ·{" "}
            <Link to={`/hr/reports?yearFrom=${year}&yearTo=${year}&groupBy=month&columns=points`}>{t("reportBuilder.charts.monthsReport")}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
