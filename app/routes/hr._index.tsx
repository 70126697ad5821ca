import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
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
  const { scope, total, rows, tools } = useLoaderData<typeof loader>();
  const { t, locale, number } = useT();
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
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
