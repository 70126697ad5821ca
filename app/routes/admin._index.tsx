import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { systemCounts } from "~/admin/users.server";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { shanghaiYear } from "~/utils/time";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return json({ counts: await systemCounts(shanghaiYear()) }, { headers: { "Cache-Control": "no-store" } });
}

export default function AdminHome() {
  const { counts } = useLoaderData<typeof loader>();
  const { t, number } = useT();
  const tiles = [
    ["home.admin.users", counts.users],
    ["home.admin.people", counts.people],
    ["home.admin.units", counts.units],
    ["home.admin.courses", counts.courses],
    ["home.admin.offerings", counts.offerings],
  ] as const;
  return (
    <>
      <h1 data-testid="page-title">{t("home.admin.title")}</h1>
      <section aria-labelledby="counts-title">
        <h2 id="counts-title">{t("home.admin.counts")}</h2>
        <dl className="tiles">
          {tiles.map(([label, value]) => (
            <div key={label} className="tile">
              <dt>{t(label)}</dt>
              <dd>{number(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <p>
        <Link className="button" to="/admin/users">
          {t("home.admin.manageUsers")}
        </Link>{" "}
        <Link className="button" to="/admin/tokens">
          {t("api.tokens.manage")}
        </Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
