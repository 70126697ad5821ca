import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { CreditStatusReasons } from "~/components/credit-status-reasons";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ProgressBar } from "~/components/progress-bar";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { loadLearnerHome } from "~/learning/learner-home.server";
import { shanghaiYear } from "~/utils/time";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const year = shanghaiYear();
  if (!user.personId) return json({ year, home: null }, { headers: { "Cache-Control": "no-store" } });
  const home = await loadLearnerHome(user.personId, year);
  return json({ year, home }, { headers: { "Cache-Control": "no-store" } });
}

export default function LearnerHome() {
  const { year, home } = useLoaderData<typeof loader>();
  const { t, locale, points, date } = useT();
  if (!home) {
    return (
      <>
        <h1 data-testid="page-title">{t("home.learner.title")}</h1>
        <p className="alert alert--warning">{t("home.learner.noPerson")}</p>
      </>
    );
  }
  const { person, status, upcoming, recent } = home;
  const unitName = locale === "en" ? person.unit.nameEn : person.unit.nameZh;
  return (
    <>
      <h1 data-testid="page-title">{t("home.learner.title")}</h1>
      <p className="lead">{t("home.learner.greeting", { name: person.name })}</p>
      <p className="muted">
        {t("home.learner.profile", {
          unit: unitName,
          post: t(`postTypes.${person.postTypeCode}` as MessageKey),
          grade: t("common.grade", { grade: person.grade }),
        })}
      </p>

      <section className="card" aria-labelledby="progress-title">
        <h2 id="progress-title">{t("home.learner.yearProgress", { year })}</h2>
        <ProgressBar
          value={status.counted}
          max={status.required}
          label={t("home.learner.earnedOfRequired", { counted: points(status.counted), required: points(status.required) })}
        />
        <p className={status.met ? "badge badge--ok" : "badge badge--todo"}>
          {status.met ? t("home.learner.met") : t("home.learner.notMet")}
        </p>
        <CreditStatusReasons status={status} />
      </section>

      <section className="card" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t("home.learner.upcoming")}</h2>
        {upcoming.length === 0 ? (
          <p className="muted">{t("home.learner.noUpcoming")}</p>
        ) : (
          <ul className="list">
            {upcoming.map((e) => (
              <li key={e.id}>
                <strong>{locale === "en" ? e.offering.course.titleEn : e.offering.course.titleZh}</strong>
                <span className="muted">
                  {" "}
                  · {date(e.offering.startsAt)} · {e.offering.venue}
                </span>
                {e.status === "waitlisted" && e.waitlistPosition ? (
                  <span className="badge">{t("home.learner.waitlisted", { position: e.waitlistPosition })}</span>
                ) : null}
                {e.status === "pending_approval" ? <span className="badge">{t("home.learner.pending")}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">{t("home.learner.recent")}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t("home.learner.noRecent")}</p>
        ) : (
          <ul className="list">
            {recent.map((entry) => (
              <li key={entry.id}>
                <span className={entry.amount < 0 ? "amount amount--negative" : "amount"}>
                  {t("common.points", { points: points(entry.amount) })}
                </span>{" "}
                <span>{t(`credits.category.${entry.category}` as MessageKey)}</span>{" "}
                <span className="muted">
                  {[entry.course ? (locale === "en" ? entry.course.titleEn : entry.course.titleZh) : entry.note, date(entry.createdAt)]
                    .filter(Boolean)
                    .join(" · ")}
                </span>
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
