import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { adjustmentHistory, decideAdjustment, pendingAdjustments } from "~/credits/adjustments.server";
import { isCreditAdminError } from "~/credits/years.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const STATUSES = ["pending", "approved", "rejected"] as const;

const FilterSchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  person: z.string().trim().max(60).optional().catch(undefined),
  page: z.coerce.number().int().min(1).default(1).catch(1),
  recorded: z.coerce.number().int().positive().optional().catch(undefined),
  state: z.enum(["approved", "pending"]).optional().catch(undefined),
});

const DecisionSchema = z
  .object({
    intent: fields.choice(["approve", "reject"] as const),
    adjustmentId: fields.id(),
    note: fields.optionalText(500),
    competencyId: z
      .string()
      .optional()
      .transform((v) => (v && /^\d+$/.test(v) ? Number(v) : undefined)),
  })
  .refine((v) => v.intent === "approve" || Boolean(v.note), { message: msg("errors.required"), path: ["note"] });

type ActionData = {
  adjustmentId?: number;
  fieldErrors?: FieldErrors;
  error?: { key: MessageKey; params?: Record<string, string | number> };
  decided?: "approved" | "rejected";
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const url = new URL(request.url);
  const query = FilterSchema.parse(Object.fromEntries(url.searchParams));
  const [pending, history, competencies] = await Promise.all([
    pendingAdjustments(user),
    adjustmentHistory(user, { status: query.status, year: query.year, person: query.person || undefined, page: query.page }),
    db.competency.findMany({
      where: { framework: { status: "active" } },
      orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
      select: { id: true, nameZh: true, nameEn: true },
    }),
  ]);
  return json({ userId: user.id, pending, history, query, competencies }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const parsed = parseForm(await readFormData(request), DecisionSchema);
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors }, { status: 400 });
  const { intent, adjustmentId, note, competencyId } = parsed.data;
  try {
    const outcome = await decideAdjustment(user, { adjustmentId, approve: intent === "approve", note, competencyId });
    return json<ActionData>({ adjustmentId, decided: outcome.status });
  } catch (error) {
    if (!isCreditAdminError(error)) throw error;
    if (error.field) return json<ActionData>({ adjustmentId, fieldErrors: { [error.field]: error.fieldMessage() } }, { status: error.status });
    return json<ActionData>({ adjustmentId, error: { key: error.messageKey, params: error.params } }, { status: error.status });
  }
}

type Row = {
  id: number;
  creditYear: number;
  amount: number;
  category: string;
  reason: string;
  status: string;
  evidenceName: string | null;
  hasEvidenceFile: boolean;
  decisionNote: string | null;
  decidedAt: string | null;
  createdAt: string;
  requestedBy: string | null;
  decidedBy: string | null;
  person: { name: string; employeeNo: string; unit: { nameZh: string; nameEn: string } };
};

function AdjustmentFacts({ row }: { row: Row }) {
  const { t, locale, dateTime, points } = useT();
  return (
    <>
      <p>
        <strong>{row.person.name}</strong> <span className="muted">{row.person.employeeNo}</span> ·{" "}
        {locale === "en" ? row.person.unit.nameEn : row.person.unit.nameZh}
      </p>
      <p>
        <span className={row.amount < 0 ? "amount amount--negative" : "amount"}>
          {row.amount > 0 ? "+" : ""}
          {points(row.amount)}
        </span>{" "}
        · {t(`credits.category.${row.category}` as MessageKey)} · {t("creditsAdmin.yearLabel", { year: row.creditYear })}{" "}
        <span className={`badge adjustment-status adjustment-status--${row.status}`}>{t(`creditsAdmin.status.${row.status}` as MessageKey)}</span>
      </p>
      <p>
        {t("creditsAdmin.reason")}: {row.reason}
      </p>
      <p className="muted small">
        {t("creditsAdmin.adjustments.requestedBy", { name: row.requestedBy ?? "—", at: dateTime(row.createdAt) })}
        {row.decidedAt && row.status !== "pending"
          ? ` · ${t("creditsAdmin.adjustments.decidedBy", { name: row.decidedBy ?? "—", at: dateTime(row.decidedAt) })}`
          : ""}
      </p>
      {row.decisionNote ? (
        <p className="small">
          {t("creditsAdmin.adjustments.note")}: {row.decisionNote}
        </p>
      ) : null}
      {row.evidenceName && row.hasEvidenceFile ? (
        <p className="small">
          <a href={`/hr/adjustments/${row.id}/evidence`} download>
            {t("creditsAdmin.adjustments.download", { name: row.evidenceName })}
          </a>
        </p>
      ) : row.evidenceName ? (
        <p className="small muted">{t("creditsAdmin.adjustments.evidenceNoFile", { name: row.evidenceName })}</p>
      ) : null}
    </>
  );
}

export default function Adjustments() {
  const { userId, pending, history, query, competencies } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale } = useT();
  const params = Object.fromEntries(
    Object.entries({ status: query.status, year: query.year, person: query.person })
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => [k, String(v)]),
  );
  return (
    <>
      <h1 data-testid="page-title">{t("creditsAdmin.adjustments.title")}</h1>
      <p className="muted">{t("creditsAdmin.adjustments.intro")}</p>
      <p>
        <Link to="/hr/adjustments/new" className="button button--primary">
          {t("creditsAdmin.adjustments.new")}
        </Link>
      </p>
      {query.recorded ? (
        <p className="alert alert--success" role="status">
          {t(query.state === "pending" ? "creditsAdmin.adjustments.recordedPending" : "creditsAdmin.adjustments.recordedApproved", {
            id: query.recorded,
          })}
        </p>
      ) : null}
      {actionData?.decided ? (
        <p className="alert alert--success" role="status">
          {t(actionData.decided === "approved" ? "creditsAdmin.adjustments.approved" : "creditsAdmin.adjustments.rejected", {
            id: actionData.adjustmentId ?? "",
          })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="alert alert--error" role="alert">
          {t(actionData.error.key, actionData.error.params)}
        </p>
      ) : null}

      <section>
        <h2>{t("creditsAdmin.adjustments.pending", { count: pending.length })}</h2>
        {pending.length === 0 ? (
          <p className="muted">{t("creditsAdmin.adjustments.nonePending")}</p>
        ) : (
          <ul className="adjustment-list">
            {pending.map((row) => {
              const errors = actionData?.adjustmentId === row.id ? (actionData.fieldErrors ?? {}) : {};
              const own = row.requestedById === userId;
              return (
                <li key={row.id} className="card">
                  <AdjustmentFacts row={row} />
                  {own ? (
                    <p className="muted small">{t("creditsAdmin.adjustments.ownRequest")}</p>
                  ) : (
                    <Form method="post" className="stack">
                      <input type="hidden" name="adjustmentId" value={row.id} />
                      {row.needsCompetency ? (
                        <SelectField
                          name="competencyId"
                          label={t("creditsAdmin.adjustments.chooseCompetency")}
                          defaultValue=""
                          error={translateError(t, errors.competencyId)}
                        >
                          <option value="">—</option>
                          {competencies.map((c) => (
                            <option key={c.id} value={c.id}>
                              {locale === "en" ? c.nameEn : c.nameZh}
                            </option>
                          ))}
                        </SelectField>
                      ) : null}
                      <TextField
                        name="note"
                        label={t("creditsAdmin.adjustments.note")}
                        hint={t("creditsAdmin.adjustments.noteHint")}
                        error={translateError(t, errors.note)}
                      />
                      <div className="button-row">
                        <button type="submit" name="intent" value="approve" className="button button--primary">
                          {t("creditsAdmin.adjustments.approve")}
                        </button>
                        <button type="submit" name="intent" value="reject" className="button">
                          {t("creditsAdmin.adjustments.reject")}
                        </button>
                      </div>
                    </Form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section>
        <h2>{t("creditsAdmin.adjustments.history")}</h2>
        <Form method="get" className="card filter-grid">
          <label>
            {t("creditsAdmin.adjustments.filterPerson")}
            <input name="person" defaultValue={query.person ?? ""} />
          </label>
          <label>
            {t("creditsAdmin.year")}
            <input name="year" inputMode="numeric" defaultValue={query.year ?? ""} />
          </label>
          <label>
            {t("creditsAdmin.adjustments.filterStatus")}
            <select name="status" defaultValue={query.status ?? ""}>
              <option value="">{t("creditsAdmin.adjustments.anyStatus")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`creditsAdmin.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <div className="button-row">
            <button type="submit" className="button button--primary">
              {t("creditsAdmin.adjustments.filter")}
            </button>
          </div>
        </Form>
        <p className="muted">{t("common.total", { count: history.total })}</p>
        {history.rows.length === 0 ? (
          <p className="muted">{t("creditsAdmin.adjustments.noneFound")}</p>
        ) : (
          <ol className="adjustment-list">
            {history.rows.map((row) => (
              <li key={row.id} className="card">
                <AdjustmentFacts row={row} />
              </li>
            ))}
          </ol>
        )}
        <Pagination page={history.page} pages={history.pages} params={params} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
