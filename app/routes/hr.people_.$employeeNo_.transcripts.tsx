// GET /hr/people/:employeeNo/transcripts — the transcripts issued for a person (HR in scope):
// code, years, when, and whether revoked; POST revokes one with a reason (audited), after which
// its public verification page says "revoked". Issuing a new one is on the career page.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT } from "~/i18n/i18n";
import { requirePersonInScope } from "~/transcripts/access.server";
import { formatCode } from "~/transcripts/code";
import { listIssues, revokeIssue } from "~/transcripts/issue.server";
import { fields, parseForm, translateError } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

export const meta: MetaFunction = () => [{ title: "已出具的学分证明 · 小巷学院 Lane Academy" }];

const RevokeSchema = z.object({ issueId: fields.id(), reason: fields.text(500) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const person = await requirePersonInScope(user, params.employeeNo);
  const issues = await listIssues(person.id);
  return json({ person, issues }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const person = await requirePersonInScope(user, params.employeeNo);
  const parsed = parseForm(await readFormData(request), RevokeSchema);
  if (!parsed.ok) return json({ ok: false as const, fieldErrors: parsed.fieldErrors, issueId: null }, { status: 400 });
  // Scoped to the person in the URL: another person's issue id simply matches nothing.
  const revoked = await revokeIssue({ issueId: parsed.data.issueId, personId: person.id, actorId: user.id, reason: parsed.data.reason });
  if (!revoked) return json({ ok: false as const, fieldErrors: {}, issueId: parsed.data.issueId, notFound: true }, { status: 404 });
  return json({ ok: true as const, issueId: parsed.data.issueId });
}

export default function PersonTranscripts() {
  const { person, issues } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, date, dateTime } = useT();
  return (
    <>
      <p className="back-link">
        <Link to={`/hr/people/${encodeURIComponent(person.employeeNo)}`}>{t("careerPage.title", { name: person.name })}</Link>
      </p>
      <h1 data-testid="page-title">{t("documents.issues.title")}</h1>
      <p className="muted">{t("documents.transcript.subtitle", { name: person.name, employeeNo: person.employeeNo })}</p>
      {result?.ok ? (
        <p className="alert alert--success" role="status">
          {t("documents.issues.revoked")}
        </p>
      ) : result && "notFound" in result ? (
        <p className="alert alert--warning" role="alert">
          {t("documents.issues.notFound")}
        </p>
      ) : null}
      {issues.length === 0 ? (
        <p className="muted">{t("documents.issues.none")}</p>
      ) : (
        <ul className="list transcript-issues">
          {issues.map((issue) => (
            <li key={issue.id} className="card">
              <p>
                <span className="verify__code">{formatCode(issue.code)}</span> · {t("documents.transcript.yearRange", { from: issue.fromYear, to: issue.toYear })} ·{" "}
                {t("documents.issues.issuedAt")} {dateTime(issue.issuedAt)} ·{" "}
                {issue.revokedAt ? (
                  <span className="badge badge--todo">{t("documents.issues.revokedOn", { date: date(issue.revokedAt) })}</span>
                ) : (
                  <span className="badge badge--ok">{t("documents.issues.active")}</span>
                )}
              </p>
              {issue.revokedAt ? null : (
                <Form method="post" className="stack">
                  <input type="hidden" name="issueId" value={issue.id} />
                  <TextField
                    name="reason"
                    label={t("documents.issues.reason")}
                    required
                    maxLength={500}
                    error={result && !result.ok && result.issueId === null ? translateError(t, result.fieldErrors.reason) : undefined}
                  />
                  <div className="button-row">
                    <button type="submit" className="button">
                      {t("documents.issues.revoke")}
                    </button>
                  </div>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
