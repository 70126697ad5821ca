import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { describeEnrolmentMessage } from "~/enrolment/describe";
import { decideApproval } from "~/enrolment/enrolment.server";
import { isEnrolmentError } from "~/enrolment/errors";
import { pendingApprovals } from "~/hr/approvals.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const DecisionSchema = z
  .object({
    enrolmentId: fields.id(),
    decision: fields.choice(["approve", "decline"] as const),
    reason: fields.optionalText(500),
  })
  .refine((v) => v.decision === "approve" || Boolean(v.reason), { message: msg("errors.required"), path: ["reason"] });

type ActionData = {
  enrolmentId?: number;
  fieldErrors?: FieldErrors;
  error?: string;
  notice?: { key: MessageKey; params: Record<string, string> };
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  return json({ pending: await pendingApprovals(user) }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const parsed = parseForm(await readFormData(request), DecisionSchema);
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors }, { status: 400 });
  const { enrolmentId, decision, reason } = parsed.data;
  try {
    // decideApproval checks that the learner is inside this officer's scope.
    const result = await decideApproval({ enrolmentId, approve: decision === "approve", reason, actor: user });
    const person = await db.enrolment.findUniqueOrThrow({ where: { id: enrolmentId }, select: { person: { select: { name: true } } } });
    return json<ActionData>({
      enrolmentId,
      notice:
        result.state === "declined"
          ? { key: "approvals.declined", params: { name: person.person.name } }
          : { key: "approvals.approved", params: { name: person.person.name, state: result.state } },
    });
  } catch (error) {
    if (!isEnrolmentError(error)) throw error;
    const locale = await resolveLocale(request, user.locale);
    const status = error.code === "enrolment.errors.forbidden" ? 403 : 409;
    return json<ActionData>({ enrolmentId, error: describeEnrolmentMessage(locale, error.code, error.params) }, { status });
  }
}

export default function Approvals() {
  const { pending } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, dateTime } = useT();
  const title = (c: { titleZh: string; titleEn: string }) => (locale === "en" ? c.titleEn : c.titleZh);
  const notice = actionData?.notice;
  return (
    <>
      <h1 data-testid="page-title">{t("approvals.title")}</h1>
      <p className="muted">{t("approvals.intro")}</p>
      {notice ? (
        <p className="alert alert--success" role="status">
          {t(notice.key, {
            ...notice.params,
            ...(notice.params.state ? { state: t(`enrolment.status.${notice.params.state}` as MessageKey) } : {}),
          })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {pending.length === 0 ? (
        <p>{t("approvals.none")}</p>
      ) : (
        <ul className="list">
          {pending.map((e) => {
            const errors = actionData?.enrolmentId === e.id ? (actionData.fieldErrors ?? {}) : {};
            return (
              <li key={e.id} className="card">
                <p>
                  <strong>{e.person.name}</strong> <span className="muted">{e.person.employeeNo}</span> ·{" "}
                  {locale === "en" ? e.person.unit.nameEn : e.person.unit.nameZh}
                </p>
                <p>
                  {title(e.offering.course)} <span className="muted">{e.offering.code}</span>
                </p>
                <p className="muted small">
                  {t("approvals.requestedAt", { date: dateTime(e.requestedAt) })} ·{" "}
                  {t("approvals.seats", { taken: e.offering.seatsTaken, capacity: e.offering.capacity })}
                </p>
                <Form method="post" className="stack">
                  <input type="hidden" name="enrolmentId" value={e.id} />
                  <TextField
                    name="reason"
                    label={t("approvals.reason")}
                    hint={t("approvals.reasonHint")}
                    error={translateError(t, errors.reason)}
                  />
                  <div className="button-row">
                    <button type="submit" name="decision" value="approve" className="button button--primary">
                      {t("approvals.approve")}
                    </button>
                    <button type="submit" name="decision" value="decline" className="button">
                      {t("approvals.decline")}
                    </button>
                  </div>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
