import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { searchPeople } from "~/org/people.server";

const QuerySchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await searchPeople(user, query);
  return json({ ...result, q: query.q ?? "" }, { headers: { "Cache-Control": "no-store" } });
}

export default function People() {
  const { people, total, page, pages, q } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  return (
    <>
      <h1 data-testid="page-title">{t("people.title")}</h1>
      <Form method="get" className="search-row" role="search">
        <label className="visually-hidden" htmlFor="people-q">
          {t("people.search")}
        </label>
        <input id="people-q" name="q" type="search" defaultValue={q} placeholder={t("people.search")} />
        <button type="submit" className="button">
          {t("common.search")}
        </button>
      </Form>
      <p className="muted">{t("common.total", { count: total })}</p>
      {people.length === 0 ? (
        <p>{t("people.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("people.employeeNo")}</th>
                <th scope="col">{t("people.name")}</th>
                <th scope="col">{t("people.unit")}</th>
                <th scope="col">{t("people.post")}</th>
                <th scope="col">{t("people.grade")}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td>{p.employeeNo}</td>
                  <td>
                    <Link to={`/hr/people/${encodeURIComponent(p.employeeNo)}`}>{p.name}</Link>
                  </td>
                  <td>{locale === "en" ? p.unit.nameEn : p.unit.nameZh}</td>
                  <td>{t(`postTypes.${p.postTypeCode}` as MessageKey)}</td>
                  <td>{p.grade}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} pages={pages} params={{ q }} />
      <p>
        <Link to="/hr">{t("nav.hr")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
