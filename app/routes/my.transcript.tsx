import type { LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { CreditStatusReasons } from "~/components/credit-status-reasons";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { loadTranscript } from "~/learning/transcript.server";
import { transcriptSourceText } from "~/transcripts/source-text";

export const meta: MetaFunction = () => [{ title: "学习档案 · 小巷学院 Lane Academy" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "learner");
  const generatedAt = new Date().toISOString();
  if (!user.personId) return json({ transcript: null, generatedAt }, { headers: { "Cache-Control": "no-store" } });
  const transcript = await loadTranscript(user.personId);
  return json({ transcript, generatedAt }, { headers: { "Cache-Control": "no-store" } });
}

type Year = NonNullable<SerializeFrom<typeof loader>["transcript"]>["years"][number];
type Entry = Year["entries"][number];

export default function TranscriptPage() {
  const { transcript, generatedAt } = useLoaderData<typeof loader>();
  const { t, locale, dateTime } = useT();
  return (
    <div className="transcript">
      <p className="back-link no-print">
        <Link to="/my">{t("learning.back")}</Link>
      </p>
      <div className="transcript__head">
        <h1 data-testid="page-title">{t("learning.transcript.title")}</h1>
        {transcript ? (
          <button type="button" className="button no-print" onClick={() => window.print()}>
            {t("learning.transcript.print")}
          </button>
        ) : null}
      </div>
      {!transcript ? (
        <p className="alert alert--warning">{t("learning.home.noPerson")}</p>
      ) : (
        <>
          <p className="lead">
            {t("learning.transcript.person", {
              name: transcript.person.name,
              employeeNo: transcript.person.employeeNo,
              unit: locale === "en" ? transcript.person.unit.nameEn : transcript.person.unit.nameZh,
            })}
          </p>
          <p className="muted small">
            {t("learning.transcript.intro")} {t("learning.transcript.printedOn", { date: dateTime(generatedAt) })}
          </p>
          {/* A plain form: the browser downloads the PDF; issuing writes, so it is a POST. */}
          <form method="post" action="/my/transcript.pdf" className="no-print transcript__issue">
            <button type="submit" className="button button--primary">
              {t("documents.transcript.download")}
            </button>
            <p className="muted small">{t("documents.transcript.downloadHint")}</p>
          </form>
          {transcript.years.length === 0 ? (
            <p className="card muted">{t("learning.transcript.empty")}</p>
          ) : (
            transcript.years.map((year) => <TranscriptYear key={year.year} year={year} />)
          )}
        </>
      )}
    </div>
  );
}

function TranscriptYear({ year }: { year: Year }) {
  const { t, points } = useT();
  const { status } = year;
  return (
    <section className="card transcript__year" aria-labelledby={`year-${year.year}`} data-testid={`year-${year.year}`}>
      <div className="transcript__year-head">
        <h2 id={`year-${year.year}`}>{t("learning.transcript.year", { year: year.year })}</h2>
        <span className={status.met ? "badge badge--ok" : "badge badge--todo"} data-testid="year-result">
          {status.met ? t("learning.transcript.met") : t("learning.transcript.notMet")}
        </span>
      </div>
      <dl className="transcript__figures">
        <div>
          <dt>{t("learning.transcript.earned")}</dt>
          <dd>{points(status.earned)}</dd>
        </div>
        <div>
          <dt>{t("learning.transcript.counted")}</dt>
          <dd>{points(status.counted)}</dd>
        </div>
        <div>
          <dt>{t("learning.transcript.required")}</dt>
          <dd>{points(status.required)}</dd>
        </div>
      </dl>
      <CreditStatusReasons status={status} />
      <p className="muted small">
        {status.policyVersion === null
          ? t("learning.transcript.defaultPolicy")
          : t("learning.transcript.policy", { year: year.year, version: status.policyVersion })}
      </p>

      <table className="transcript__table">
        <caption className="visually-hidden">{t("learning.transcript.entries", { year: year.year })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("learning.transcript.entryNo")}</th>
            <th scope="col">{t("learning.transcript.date")}</th>
            <th scope="col">{t("learning.transcript.source")}</th>
            <th scope="col">{t("learning.transcript.category")}</th>
            <th scope="col">{t("learning.transcript.competencies")}</th>
            <th scope="col" className="num">
              {t("learning.transcript.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {year.entries.map((entry) => (
            <EntryRow key={entry.id} entry={entry} />
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5}>
              {t("learning.transcript.yearTotal")}
            </th>
            <td className="num" data-label={t("learning.transcript.yearTotal")}>
              {points(status.earned)}
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function EntryRow({ entry }: { entry: Entry }) {
  const { t, locale, points, date, number } = useT();
  const name = (c: { nameZh: string; nameEn: string }) => (locale === "en" ? c.nameEn || c.nameZh : c.nameZh);
  const reversal = entry.reversesEntryId !== null;
  const rowClass = ["transcript__entry", reversal ? "transcript__entry--reversal" : "", entry.reversedById ? "transcript__entry--reversed" : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <tr id={`entry-${entry.id}`} className={rowClass} data-testid="entry">
      <td data-label={t("learning.transcript.entryNo")} className="transcript__no">
        #{entry.id}
      </td>
      <td data-label={t("learning.transcript.date")} className="transcript__date">
        {date(entry.createdAt, { dateStyle: undefined, year: "numeric", month: "2-digit", day: "2-digit" })}
      </td>
      <td data-label={t("learning.transcript.source")} className="transcript__source">
        {reversal ? (
          <span className="badge badge--todo">
            <a href={`#entry-${entry.reversesEntryId}`}>{t("learning.transcript.reversalOf", { id: entry.reversesEntryId! })}</a>
          </span>
        ) : null}
        <SourceText entry={entry} />
        {reversal && entry.note ? <span className="muted small transcript__reason">{t("learning.transcript.reason", { reason: entry.note })}</span> : null}
        {entry.reversedById ? (
          <span className="badge">
            <a href={`#entry-${entry.reversedById}`}>{t("learning.transcript.reversedBy", { id: entry.reversedById })}</a>
          </span>
        ) : null}
      </td>
      <td data-label={t("learning.transcript.category")} className="transcript__category">
        {t(`credits.category.${entry.category}` as MessageKey)}
      </td>
      <td data-label={t("learning.transcript.competencies")} className="transcript__competencies">
        {entry.competencies.map((c) => (
          <span key={c.id}>
            {name(c)} {number(c.amount / 100, { maximumFractionDigits: 2 })}
          </span>
        ))}
      </td>
      <td data-label={t("learning.transcript.amount")} className={entry.amount < 0 ? "num amount amount--negative" : "num amount"}>
        {entry.amount > 0 ? "+" : ""}
        {points(entry.amount)}
      </td>
    </tr>
  );
}

function SourceText({ entry }: { entry: Entry }) {
  const { t, locale } = useT();
  return <span className="transcript__source-text">{transcriptSourceText(t, locale, entry.source)}</span>;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
