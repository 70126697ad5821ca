import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listUsers, scopeChoices } from "~/admin/users.server";
import {
  AccountError,
  changeRole,
  createAccount,
  resetPassword,
  setAccountDisabled,
} from "~/auth/accounts.server";
import { requireRole } from "~/auth/guards.server";
import { ROLES } from "~/auth/roles";
import { ActionAlerts } from "~/components/action-alerts";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { Pagination } from "~/components/pagination";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

const reason = fields.text(500);
const optionalScope = z.preprocess((v) => (v === "" ? undefined : v), fields.id().optional());

const CreateSchema = z.object({
  intent: z.literal("create"),
  username: fields.text(64).regex(/^[A-Za-z0-9._-]+$/, msg("errors.invalid")),
  displayName: fields.text(100),
  email: z.preprocess((v) => (v === "" ? undefined : v), z.email(msg("errors.invalid")).max(200).optional()),
  role: fields.choice(ROLES),
  scopeUnitId: optionalScope,
  employeeNo: fields.optionalText(32),
  reason,
});
const ResetSchema = z.object({ intent: z.literal("reset"), userId: fields.id(), reason });
const DisableSchema = z.object({
  intent: z.literal("set-disabled"),
  userId: fields.id(),
  disabled: z.enum(["true", "false"]),
  reason,
});
const RoleSchema = z.object({
  intent: z.literal("change-role"),
  userId: fields.id(),
  role: fields.choice(ROLES),
  scopeUnitId: optionalScope,
  reason,
});
const ActionSchema = z.discriminatedUnion("intent", [CreateSchema, ResetSchema, DisableSchema, RoleSchema], {
  error: msg("errors.badRequest"),
});

type ActionData = {
  intent?: string;
  userId?: number;
  fieldErrors?: FieldErrors;
  formError?: string;
  notice?: { key: MessageKey; params?: Params };
};

const QuerySchema = z.object({
  q: z.string().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, scopes] = await Promise.all([listUsers(query), scopeChoices()]);
  return json({ ...list, scopes, q: query.q ?? "" }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readFormData(request);
  const parsed = parseForm(form, ActionSchema);
  const intent = String(form.get("intent") ?? "");
  const rawUserId = Number(form.get("userId"));
  const userId = Number.isInteger(rawUserId) && rawUserId > 0 ? rawUserId : undefined;
  if (!parsed.ok) {
    return json<ActionData>({ intent, userId, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400 });
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "create": {
        const { user, password } = await createAccount(admin.id, input, input.reason);
        return json<ActionData>({ intent, notice: { key: "users.created", params: { username: user.username, password } } });
      }
      case "reset": {
        const { username, password } = await resetPassword(admin.id, input.userId, input.reason);
        return json<ActionData>({ intent, userId, notice: { key: "users.resetDone", params: { username, password } } });
      }
      case "set-disabled": {
        const disabled = input.disabled === "true";
        const username = await setAccountDisabled(admin.id, input.userId, disabled, input.reason);
        return json<ActionData>({
          intent,
          userId,
          notice: { key: disabled ? "users.disabledDone" : "users.enabledDone", params: { username } },
        });
      }
      case "change-role": {
        const username = await changeRole(admin.id, input.userId, input, input.reason);
        return json<ActionData>({ intent, userId, notice: { key: "users.roleChanged", params: { username } } });
      }
    }
  } catch (error) {
    if (error instanceof AccountError) {
      const fieldErrors = error.field ? { [error.field]: msg(error.messageKey) } : {};
      return json<ActionData>({ intent, userId, fieldErrors, formError: msg(error.messageKey) }, { status: 400 });
    }
    throw error;
  }
}

export default function AdminUsers() {
  const { users, total, page, pages, scopes, q } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, dateTime } = useT();
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const errorsFor = (intent: string, userId?: number) =>
    actionData && actionData.intent === intent && actionData.userId === userId ? (actionData.fieldErrors ?? {}) : {};
  const createErrors = errorsFor("create");
  const scopeOptions = (
    <>
      <option value="">{t("users.scopeAll")}</option>
      {scopes.map((s) => (
        <option key={s.id} value={s.id}>
          {unitName(s)}
        </option>
      ))}
    </>
  );
  return (
    <>
      <h1 data-testid="page-title">{t("users.title")}</h1>
      <ActionAlerts notice={actionData?.notice} formError={actionData?.formError} />

      <Form method="get" className="search-row" role="search">
        <label className="visually-hidden" htmlFor="users-q">
          {t("users.search")}
        </label>
        <input id="users-q" name="q" type="search" defaultValue={q} placeholder={t("users.search")} />
        <button type="submit" className="button">
          {t("common.search")}
        </button>
      </Form>
      <p className="muted">{t("common.total", { count: total })}</p>

      {users.length === 0 ? (
        <p>{t("users.none")}</p>
      ) : (
        <ul className="user-list">
          {users.map((u) => {
            const roleErrors = errorsFor("change-role", u.id);
            return (
              <li key={u.id} className="card user-card">
                <div className="user-card__head">
                  <strong>{u.displayName}</strong> <code>{u.username}</code>{" "}
                  <span className="badge">{t(`roles.${u.role}` as MessageKey)}</span>{" "}
                  {u.scopeUnit ? <span className="muted">{unitName(u.scopeUnit)}</span> : null}{" "}
                  <span className={u.disabledAt ? "badge badge--todo" : "badge badge--ok"}>
                    {u.disabledAt ? t("users.disabled") : t("users.active")}
                  </span>
                  {u.mustChangePassword ? <span className="badge">{t("users.mustChange")}</span> : null}
                </div>
                <p className="muted small">
                  {u.person ? `${t("users.person")}: ${u.person.employeeNo} · ` : ""}
                  {t("users.lastLogin")}: {u.lastLoginAt ? dateTime(u.lastLoginAt) : t("users.never")}
                </p>
                <details>
                  <summary>{t("common.actions")}</summary>
                  <div className="user-card__actions">
                    <Form method="post" className="stack">
                      <input type="hidden" name="intent" value="reset" />
                      <input type="hidden" name="userId" value={u.id} />
                      <TextField name="reason" label={t("users.reason")} hint={t("users.reasonHint")} required
                        error={translateError(t, errorsFor("reset", u.id).reason)} />
                      <button type="submit" className="button">{t("users.reset")}</button>
                    </Form>
                    <Form method="post" className="stack">
                      <input type="hidden" name="intent" value="set-disabled" />
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="disabled" value={u.disabledAt ? "false" : "true"} />
                      <TextField name="reason" label={t("users.reason")} hint={t("users.reasonHint")} required
                        error={translateError(t, errorsFor("set-disabled", u.id).reason)} />
                      <button type="submit" className="button">{u.disabledAt ? t("users.enable") : t("users.disable")}</button>
                    </Form>
                    <Form method="post" className="stack">
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="userId" value={u.id} />
                      <SelectField name="role" label={t("users.role")} defaultValue={u.role} error={translateError(t, roleErrors.role)}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`roles.${r}` as MessageKey)}
                          </option>
                        ))}
                      </SelectField>
                      <SelectField name="scopeUnitId" label={t("users.scope")} defaultValue={u.scopeUnit?.id ?? ""}
                        error={translateError(t, roleErrors.scopeUnitId)}>
                        {scopeOptions}
                      </SelectField>
                      <TextField name="reason" label={t("users.reason")} hint={t("users.reasonHint")} required
                        error={translateError(t, roleErrors.reason)} />
                      <button type="submit" className="button">{t("users.changeRole")}</button>
                    </Form>
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      )}
      <Pagination page={page} pages={pages} params={{ q }} />

      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">{t("users.create")}</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="create" />
          <TextField name="username" label={t("users.username")} required autoCapitalize="none"
            error={translateError(t, createErrors.username)} />
          <TextField name="displayName" label={t("users.displayName")} required error={translateError(t, createErrors.displayName)} />
          <TextField name="email" type="email" label={t("users.email")} error={translateError(t, createErrors.email)} />
          <SelectField name="role" label={t("users.role")} defaultValue="learner" error={translateError(t, createErrors.role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SelectField name="scopeUnitId" label={t("users.scope")} defaultValue="" error={translateError(t, createErrors.scopeUnitId)}>
            {scopeOptions}
          </SelectField>
          <TextField name="employeeNo" label={t("users.person")} error={translateError(t, createErrors.employeeNo)} />
          <TextField name="reason" label={t("users.reason")} hint={t("users.reasonHint")} required
            error={translateError(t, createErrors.reason)} />
          <button type="submit" className="button button--primary">{t("users.create")}</button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
