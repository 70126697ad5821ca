import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { fieldErrorGetter, type ClassActionData } from "~/classes/action-data";
import { refusal } from "~/classes/action-errors.server";
import { Alerts } from "~/classes/alerts";
import { cancelWaiver, listWaivers, recordWaiver, waiverLevels } from "~/classes/waivers.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";
import { getTranslator } from "~/i18n/i18n.server";
import { fields, msg, parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const reason = fields.text(500);
const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("grant"), employeeNo: fields.text(32), levelId: fields.id(), reason }),
    z.object({ intent: z.literal("revoke"), waiverId: fields.id(), reason }),
  ],
  { error: msg("errors.badRequest") },
);

const QuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  revoked: z.literal("1").optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, levels] = await Promise.all([
    listWaivers(user, { q: query.q, includeRevoked: query.revoked === "1", page: query.page }),
    waiverLevels(),
  ]);
  return json(
    { ...list, levels, params: { q: query.q ?? "", revoked: query.revoked ?? "" } },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const { locale, t } = await getTranslator(request, user.locale);
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const rawId = Number(form.get("waiverId"));
  const target = intent === "revoke" && Number.isInteger(rawId) && rawId > 0 ? rawId : undefined;
  const base = { intent, target };
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ClassActionData>({ ...base, fieldErrors: parsed.fieldErrors, formError: t(parsed.formError ? "errors.badRequest" : "errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    if (input.intent === "grant") {
      const result = await recordWaiver(user, input);
      return json<ClassActionData>({ ...base, notice: t(result.created ? "waivers.recorded" : "waivers.alreadyHeld", { name: result.name }) });
    }
    const result = await cancelWaiver(user, input);
    return json<ClassActionData>({ ...base, notice: t(result.revoked ? "waivers.revoked" : "waivers.alreadyRevoked", { name: result.name }) });
  } catch (error) {
    return refusal(error, locale, base);
  }
}

export default function Waivers() {
  const { waivers, total, page, pages, levels, params } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ClassActionData | undefined;
  const { t, locale, date } = useT();
  const location = useLocation();
  const name = (n: { nameZh: string; nameEn: string }) => (locale === "en" ? n.nameEn : n.nameZh);
  const grantErrors = fieldErrorGetter(t, actionData, "grant");
  const grantFailed = actionData?.intent === "grant" && Boolean(actionData.fieldErrors || actionData.fieldText || actionData.formError);
  return (
    <>
      <h1 data-testid="page-title">{t("waivers.title")}</h1>
      <p className="muted">{t("waivers.intro")}</p>
      <Alerts data={actionData} notice error={false} />

      <section className="card" aria-labelledby="grant-title">
        <h2 id="grant-title">{t("waivers.record")}</h2>
        <Alerts data={actionData} notice={false} error={grantFailed} />
        {/* A new, empty form after each recorded waiver. */}
        <Form method="post" className="stack" noValidate key={actionData?.intent === "grant" && actionData.notice ? actionData.notice : "grant"}>
          <input type="hidden" name="intent" value="grant" />
          <div className="class-form__pair">
            <TextField name="employeeNo" label={t("waivers.employeeNo")} required autoCapitalize="characters" maxLength={32}
              error={grantErrors("employeeNo")} />
            <SelectField name="levelId" label={t("waivers.level")} required defaultValue="" error={grantErrors("levelId")}>
              <option value="">{t("classes.field.choose")}</option>
              {levels.map((l) => (
                <option key={l.id} value={l.id}>
                  {name(l)}
                </option>
              ))}
            </SelectField>
          </div>
          <p className="muted small">{t("waivers.levelHint")}</p>
          <TextField name="reason" label={t("waivers.reason")} hint={t("waivers.reasonHint")} required maxLength={500}
            error={grantErrors("reason")} />
          <button type="submit" className="button button--primary">
            {t("waivers.submit")}
          </button>
        </Form>
      </section>

      <Form method="get" className="catalogue-filters" role="search" key={location.search}>
        <div className="search-row">
          <label className="visually-hidden" htmlFor="waivers-q">
            {t("waivers.search")}
          </label>
          <input id="waivers-q" name="q" type="search" defaultValue={params.q} placeholder={t("waivers.search")} />
          <button type="submit" className="button">
            {t("common.search")}
          </button>
        </div>
        <label className="check">
          <input type="checkbox" name="revoked" value="1" defaultChecked={params.revoked === "1"} />
          <span>{t("waivers.showRevoked")}</span>
        </label>
      </Form>
      <p className="muted" role="status">
        {t("common.total", { count: total })}
      </p>
      {waivers.length === 0 ? (
        <p className="card">{t("waivers.none")}</p>
      ) : (
        <ul className="waiver-list">
          {waivers.map((w) => {
            const mine = actionData?.intent === "revoke" && actionData.target === w.id;
            const errors = fieldErrorGetter(t, actionData, "revoke", w.id);
            return (
              <li key={w.id} className={w.revokedAt ? "card waiver waiver--revoked" : "card waiver"}>
                <p className="waiver__who">
                  <strong>{w.person.name}</strong> <span className="muted small">{w.person.employeeNo}</span>{" "}
                  <span className="muted small">{name(w.person.unit)}</span>
                </p>
                <p className="waiver__what">
                  <span className="badge badge--level">{name(w.level)}</span>
                  {w.revokedAt ? (
                    <span className="badge">{t("waivers.revokedAt", { date: date(w.revokedAt) })}</span>
                  ) : (
                    <span className="badge badge--ok">{t("waivers.active")}</span>
                  )}
                </p>
                <p className="waiver__reason">{t("waivers.reasonLabel", { reason: w.reason })}</p>
                <p className="muted small">
                  {t("waivers.grantedBy", { name: w.grantedBy ?? t("waivers.unknownGranter"), date: date(w.createdAt) })}
                </p>
                <Alerts data={actionData} notice={false} error={mine} />
                {w.revokedAt ? null : (
                  <details open={mine && Boolean(actionData?.fieldErrors || actionData?.formError)}>
                    <summary>{t("waivers.revoke")}</summary>
                    <Form method="post" preventScrollReset className="stack" noValidate>
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="waiverId" value={w.id} />
                      <TextField name="reason" label={t("waivers.revokeReason")} hint={t("waivers.reasonHint")} required maxLength={500}
                        error={errors("reason")} />
                      <button type="submit" className="button">
                        {t("waivers.revoke")}
                      </button>
                    </Form>
                  </details>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Pagination page={page} pages={pages} params={params} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
