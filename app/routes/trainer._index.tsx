import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ProgressBar } from "~/components/progress-bar";
import { loadMarkingDesk } from "~/grading/grading.server";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { loadTrainerHome } from "~/teaching/trainer-home.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "trainer");
  const [home, desk] = await Promise.all([loadTrainerHome(user.id), loadMarkingDesk(user.id)]);
  return json({ ...home, desk }, { headers: { "Cache-Control": "no-store" } });
}

export default function TrainerHome() {
  const { classes, camps, desk } = useLoaderData<typeof loader>();
  const { t, locale, date, dateTime } = useT();
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
      {desk.length > 0 ? (
        <section className="card" aria-labelledby="desk-title">
          <h2 id="desk-title">{t("grading.desk.title")}</h2>
          {desk.map((camp) => (
            <div key={camp.id} className="marking-desk" data-camp={camp.id}>
              <h3>
                {title(camp.title)} <span className="badge">{t(`grading.role.${camp.role}` as MessageKey)}</span>
              </h3>
              {!camp.hasRubric ? <p className="alert alert--warning">{t("grading.noRubric")}</p> : null}
              <ProgressBar value={camp.done} max={camp.projects} label={t("grading.progress", { done: camp.done, total: camp.projects })} />
              <ul className="list">
                {camp.deadline ? (
                  <li>{t(camp.deadlinePassed ? "grading.desk.deadlinePassed" : "grading.desk.deadline", { title: camp.deadline.title, time: dateTime(camp.deadline.dueAt) })}</li>
                ) : null}
                <li>{t("grading.desk.disagreements", { count: camp.disagreements })}</li>
                {camp.role === "lead" ? <li>{t("grading.desk.readyToRelease", { count: camp.readyToRelease })}</li> : null}
              </ul>
              {camp.toMark.length > 0 ? (
                <>
                  <h4>{t("grading.desk.toMark")}</h4>
                  <ul className="list">
                    {camp.toMark.map((p) => (
                      <li key={p.id}>
                        <Link to={`/trainer/grading/${p.id}`}>{p.title}</Link> <span className="muted">{p.team}</span>{" "}
                        <span className={p.myStatus === "draft" ? "badge badge--todo" : "badge"}>
                          {t(`grading.mine.${p.myStatus}` as MessageKey, { scored: p.myProgress.scored, of: p.myProgress.of })}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p className="muted">{t("grading.desk.allMarked")}</p>
              )}
              {camp.role === "lead" ? (
                <>
                  <h4>{t("grading.awaitingModeration")}</h4>
                  {camp.awaitingModeration.length === 0 ? (
                    <p className="muted">{t("grading.noneAwaiting")}</p>
                  ) : (
                    <ul className="list">
                      {camp.awaitingModeration.map((p) => (
                        <li key={p.id}>
                          <Link to={`/trainer/camps/${camp.id}/release#project-${p.id}`}>{p.title}</Link> <span className="muted">{p.team}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </>
              ) : null}
              <p className="button-row">
                <Link to="/trainer/grading">{t("grading.desk.queue")}</Link>
                {camp.role === "lead" ? <Link to={`/trainer/camps/${camp.id}/release`}>{t("grading.links.release")}</Link> : null}
              </p>
            </div>
          ))}
        </section>
      ) : null}
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
