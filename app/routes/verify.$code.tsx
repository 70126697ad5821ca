// GET /verify/:code — public, no sign-in: what the transcript with this verification code stated
// when it was issued (exactly its snapshot: name, employee number, years, per-year figures) and
// whether it has been revoked. Nothing else about the person is read or shown. An unknown code
// (or a stored record whose hash no longer matches) is a 404 with a plain explanation; the code's
// 120 random bits are what make guessing pointless.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { formatCode, normaliseCode } from "~/transcripts/code";
import { findIssueByCode } from "~/transcripts/issue.server";
import { VerifyCodeForm } from "~/transcripts/verify-form";

export const meta: MetaFunction = () => [
  { title: "学分证明核验 · 小巷学院 Lane Academy" },
  // Each page is one person's record: not for search engines.
  { name: "robots", content: "noindex, nofollow" },
];

const HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer" };

export async function loader({ params }: LoaderFunctionArgs) {
  const code = normaliseCode(params.code ?? "");
  const found = code ? await findIssueByCode(code) : null;
  if (!code || !found) return json({ found: false as const }, { status: 404, headers: HEADERS });
  return json({ found: true as const, code, snapshot: found.snapshot, revokedAt: found.revokedAt?.toISOString() ?? null }, { headers: HEADERS });
}

export default function VerifyTranscript() {
  const data = useLoaderData<typeof loader>();
  const { t, date, dateTime, points } = useT();
  if (!data.found) {
    return (
      <div className="verify">
        <h1 data-testid="page-title">{t("documents.verify.notFoundTitle")}</h1>
        <p className="alert alert--warning" data-testid="verify-status">
          {t("documents.verify.notFound")}
        </p>
        <VerifyCodeForm />
      </div>
    );
  }
  const { snapshot, revokedAt, code } = data;
  return (
    <div className="verify">
      <h1 data-testid="page-title">{t("documents.verify.title")}</h1>
      {revokedAt ? (
        <p className="alert alert--warning" role="status" data-testid="verify-status">
          {t("documents.verify.revoked", { date: date(revokedAt) })}
        </p>
      ) : (
        <p className="alert alert--success" role="status" data-testid="verify-status">
          {t("documents.verify.valid")}
        </p>
      )}
      <p className="muted small">{t("documents.verify.intro")}</p>
      <dl className="verify__facts card" data-testid="verify-facts">
        <div>
          <dt>{t("documents.verify.codeLabel")}</dt>
          <dd className="verify__code">{formatCode(code)}</dd>
        </div>
        <div>
          <dt>{t("documents.transcript.name")}</dt>
          <dd>{snapshot.name}</dd>
        </div>
        <div>
          <dt>{t("documents.transcript.employeeNo")}</dt>
          <dd>{snapshot.employeeNo}</dd>
        </div>
        <div>
          <dt>{t("documents.transcript.years")}</dt>
          <dd>{t("documents.transcript.yearRange", { from: snapshot.fromYear, to: snapshot.toYear })}</dd>
        </div>
        <div>
          <dt>{t("documents.transcript.issuedAt")}</dt>
          <dd>{dateTime(snapshot.issuedAt)}</dd>
        </div>
      </dl>
      <table className="verify__years" data-testid="verify-years">
        <caption>{t("documents.transcript.perYear")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("documents.transcript.col.year")}</th>
            <th scope="col" className="num">
              {t("documents.transcript.col.earned")}
            </th>
            <th scope="col" className="num">
              {t("documents.transcript.col.counted")}
            </th>
            <th scope="col" className="num">
              {t("documents.transcript.col.required")}
            </th>
            <th scope="col">{t("documents.transcript.col.result")}</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.years.map((y) => (
            <tr key={y.year}>
              <th scope="row">{y.year}</th>
              <td className="num" data-label={t("documents.transcript.col.earned")}>
                {points(y.earned)}
              </td>
              <td className="num" data-label={t("documents.transcript.col.counted")}>
                {points(y.counted)}
              </td>
              <td className="num" data-label={t("documents.transcript.col.required")}>
                {points(y.required)}
              </td>
              <td data-label={t("documents.transcript.col.result")}>{y.met ? t("documents.transcript.met") : t("documents.transcript.notMet")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t("documents.transcript.pointsNote")}</p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
