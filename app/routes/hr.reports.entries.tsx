// Drill-down 2: the ledger entries behind one person's figure in a credit report — the same
// filters and group, one credit year — with the person's competency radar for that year.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { CompetencyProfileFigure } from "~/components/charts/competency-radar";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { ReportError, reportPersonEntries, reportScopeFor } from "~/reports/credit-report.server";
import { definitionParams, parseDefinition } from "~/reports/definition";
import { creditStatusForYear } from "~/credits/ledger.server";
import { db } from "~/utils/db.server";

const QuerySchema = z.object({
  person: z.coerce.number().int().positive(),
  year: z.coerce.number().int().min(2000).max(2100),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const scope = reportScopeFor(user);
  const url = new URL(request.url);
  const parsed = parseDefinition(url.searchParams);
  const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success || !query.success) throw json({ message: "reports.errors.groupKey" }, { status: 400 });
  const group = url.searchParams.get("group") ?? "";
  try {
    const result = await reportPersonEntries(parsed.data, scope, query.data.person, group, { year: query.data.year });
    // The person's competency profile for the year: the one status computation's sums.
    const [status, competencies] = await Promise.all([
      creditStatusForYear(db, query.data.person, query.data.year),
      db.competency.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }], select: { id: true, code: true, nameZh: true, nameEn: true } }),
    ]);
    const profile = competencies
      .filter((c) => status.byCompetency[c.id] !== undefined || competencies.length <= 12)
      .map((c) => ({ id: c.id, code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, points: status.byCompetency[c.id] ?? 0 }));
    return json(
      { ...result, year: query.data.year, groupKey: group, profile, search: definitionParams(parsed.data).toString() },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    if (error instanceof ReportError) throw json({ message: error.code }, { status: error.status });
    throw error;
  }
}

export default function ReportEntries() {
  const data = useLoaderData<typeof loader>();
  const { t, locale, points, dateTime } = useT();
  const label = (l: { zh: string; en: string }) => (locale === "en" ? l.en : l.zh);
  const peopleHref = `/hr/reports/people?${new URLSearchParams([...new URLSearchParams(data.search), ["group", data.groupKey]]).toString()}`;
  return (
    <>
      <h1 data-testid="page-title">{t("reports.entries.title", { name: data.person.name })}</h1>
      <p className="lead">
        {data.person.employeeNo} · {label(data.person.unit)} · {data.year}
        {data.group.length ? ` · ${data.group.map((p) => label(p.label)).join(" · ")}` : ""}
      </p>
      <p data-testid="entries-total">{t("reports.entries.total", { points: points(data.total) })}</p>
      {data.entries.length === 0 ? (
        <p>{t("reports.entries.none")}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="entries-table">
            <thead>
              <tr>
                <th scope="col">{t("reports.entries.id")}</th>
                <th scope="col">{t("reports.entries.date")}</th>
                <th scope="col">{t("reports.category")}</th>
                <th scope="col">{t("reports.entries.source")}</th>
                <th scope="col">{t("reports.entries.course")}</th>
                <th scope="col" className="num">{t("reports.entries.amount")}</th>
                <th scope="col" className="num">{t("reports.entries.counted")}</th>
                <th scope="col">{t("reports.entries.competencies")}</th>
                <th scope="col">{t("reports.entries.note")}</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id} data-testid="ledger-entry">
                  <th scope="row">#{e.id}</th>
                  <td className="nowrap">{dateTime(e.createdAt)}</td>
                  <td>{t(`credits.category.${e.category}` as MessageKey)}</td>
                  <td>
                    <code>{e.sourceKey}</code>
                    {e.reversesEntryId ? <div className="muted">{t("reports.entries.reverses", { id: e.reversesEntryId })}</div> : null}
                  </td>
                  <td>{e.course ? label(e.course) : "–"}</td>
                  <td className="num">{points(e.amount)}</td>
                  <td className="num">{points(e.counted)}</td>
                  <td>{e.competencies.map((c) => `${label(c.label)} ${points(c.amount)}`).join("；")}</td>
                  <td>{e.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.profile.length >= 3 ? (
        <section className="card" aria-labelledby="radar-title">
          <h2 id="radar-title">
            {t("reports.charts.radar")} · {data.year}
          </h2>
          <CompetencyProfileFigure
            rows={data.profile.map((c) => ({ id: c.id, code: c.code, label: label({ zh: c.nameZh, en: c.nameEn }), points: c.points }))}
            headers={{ competency: t("reports.competency"), points: t("reports.col.points") }}
            formatPoints={points}
          />
        </section>
      ) : null}
      <p>
        <Link to={peopleHref}>{t("reports.people.title")}</Link> · <Link to={`/hr/reports?${data.search}`}>{t("reports.back")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
