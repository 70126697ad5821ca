import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ProgressBar } from "~/components/progress-bar";
import { loadGradingQueue } from "~/grading/grading.server";
import { useT, type MessageKey } from "~/i18n/i18n";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "trainer");
  return json({ camps: await loadGradingQueue(user.id) }, { headers: { "Cache-Control": "no-store" } });
}

export default function GradingQueue() {
  const { camps } = useLoaderData<typeof loader>();
  const { t, locale, dateTime } = useT();
  return (
    <>
      <h1 data-testid="page-title">{t("grading.title")}</h1>
      <p className="muted">{t("grading.intro")}</p>
      {camps.length === 0 ? <p className="muted">{t("grading.noCamps")}</p> : null}
      {camps.map((camp) => {
        const awaiting = camp.projects.filter((p) => p.needsModeration && !p.moderated && !p.released);
        return (
          <section key={camp.id} className="card" aria-labelledby={`camp-${camp.id}`}>
            <h2 id={`camp-${camp.id}`}>
              {locale === "en" ? camp.title.titleEn : camp.title.titleZh} <span className="badge">{t(`grading.role.${camp.role}` as MessageKey)}</span>
            </h2>
            <p className="muted small">{camp.code}</p>
            <p className="button-row">
              <Link to={`/trainer/camps/${camp.id}/rubric`}>{t("grading.links.rubric")}</Link>
              {camp.role === "lead" ? <Link to={`/trainer/camps/${camp.id}/release`}>{t("grading.links.release")}</Link> : null}
              {camp.role === "lead" ? <a href={`/trainer/camps/${camp.id}/marks.csv`}>{t("grading.links.exportMarks")}</a> : null}
            </p>
            {!camp.hasRubric ? <p className="alert alert--warning">{t("grading.noRubric")}</p> : null}
            <ProgressBar value={camp.done} max={camp.projects.length} label={t("grading.progress", { done: camp.done, total: camp.projects.length })} />
            {camp.briefs.length > 0 ? (
              <>
                <h3>{t("grading.deadlines")}</h3>
                <ul className="list">
                  {camp.briefs.map((b) => (
                    <li key={b.id}>{t("grading.due", { title: b.title, time: dateTime(b.dueAt) })}</li>
                  ))}
                </ul>
              </>
            ) : null}
            <div className="table-wrap">
              <table className="grading-queue">
                <thead>
                  <tr>
                    <th scope="col">{t("grading.col.team")}</th>
                    <th scope="col">{t("grading.col.project")}</th>
                    <th scope="col">{t("grading.col.mine")}</th>
                    <th scope="col">{t("grading.col.markers")}</th>
                    <th scope="col">{t("grading.col.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {camp.projects.map((p) => (
                    <tr key={p.id}>
                      <td>{p.team}</td>
                      <td>
                        <Link to={`/trainer/grading/${p.id}`}>{p.title}</Link>
                      </td>
                      <td>
                        <span className={p.myStatus === "submitted" ? "badge badge--ok" : p.myStatus === "draft" ? "badge badge--todo" : "badge"}>
                          {t(`grading.mine.${p.myStatus}` as MessageKey, { scored: p.myProgress.scored, of: p.myProgress.of })}
                        </span>
                      </td>
                      <td data-label={t("grading.col.markers")}>{t("grading.markers", { submitted: p.submitted, needed: camp.markersPerProject })}</td>
                      <td>
                        {p.released ? <span className="badge badge--ok">{t("grading.state.released")}</span> : null}
                        {p.moderated ? <span className="badge">{t("grading.state.moderated")}</span> : null}
                        {p.needsModeration && !p.moderated && !p.released ? <span className="badge badge--todo">{t("grading.state.needsModeration")}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {camp.role === "lead" ? (
              <>
                <h3>{t("grading.awaitingModeration")}</h3>
                {awaiting.length === 0 ? (
                  <p className="muted">{t("grading.noneAwaiting")}</p>
                ) : (
                  <ul className="list">
                    {awaiting.map((p) => (
                      <li key={p.id}>
                        <Link to={`/trainer/camps/${camp.id}/release#project-${p.id}`}>{p.title}</Link> <span className="muted">{p.team}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ) : null}
          </section>
        );
      })}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
