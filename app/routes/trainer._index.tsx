import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { loadTrainerHome } from "~/teaching/trainer-home.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "trainer");
  return json(await loadTrainerHome(user.id), { headers: { "Cache-Control": "no-store" } });
}

export default function TrainerHome() {
  const { classes, camps } = useLoaderData<typeof loader>();
  const { t, locale, date } = useT();
  const title = (c: { titleZh: string; titleEn: string }) => (locale === "en" ? c.titleEn : c.titleZh);
  return (
    <>
      <h1 data-testid="page-title">{t("home.trainer.title")}</h1>
      <section className="card" aria-labelledby="classes-title">
        <h2 id="classes-title">{t("home.trainer.classes")}</h2>
        {classes.length === 0 ? (
          <p className="muted">{t("home.trainer.noClasses")}</p>
        ) : (
          <ul className="list">
            {classes.map((c) => (
              <li key={c.id}>
                <Link to={`/trainer/classes/${c.id}`}>
                  <strong>{title(c.course)}</strong>
                </Link>{" "}
                <span className="muted">
                  {c.code} · {date(c.startsAt)} · {c.venue}
                </span>{" "}
                <span className="badge">{t("home.trainer.enrolled", { enrolled: c.seatsTaken, capacity: c.capacity })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="camps-title">
        <h2 id="camps-title">{t("home.trainer.camps")}</h2>
        {camps.length === 0 ? (
          <p className="muted">{t("home.trainer.noCamps")}</p>
        ) : (
          <ul className="list">
            {camps.map(({ role, camp }) => (
              <li key={camp.id}>
                <Link to={`/trainer/camps/${camp.id}`}>
                  <strong>{title(camp.offering.course)}</strong>
                </Link>{" "}
                <span className="muted">
                  {date(camp.offering.startsAt)} – {date(camp.offering.endsAt)} · {camp.offering.venue}
                </span>{" "}
                <span className="badge">{t(`home.trainer.campRole.${role}` as MessageKey)}</span>{" "}
                <Link to="/trainer/grading">{t("home.trainer.grading")}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
