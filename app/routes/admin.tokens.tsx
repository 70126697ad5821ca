import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { scopeChoices } from "~/admin/users.server";
import { ApiTokenError, createApiToken, listApiTokens, revokeApiToken } from "~/api/tokens.server";
import { requireRole } from "~/auth/guards.server";
import { ActionAlerts } from "~/components/action-alerts";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { readFormData } from "~/utils/form-data.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";

const reason = fields.text(500);
const CreateSchema = z.object({ intent: z.literal("create"), name: fields.text(100), scopeUnitId: fields.id(), reason });
const RevokeSchema = z.object({ intent: z.literal("revoke"), tokenId: fields.id(), reason });
const ActionSchema = z.discriminatedUnion("intent", [CreateSchema, RevokeSchema], { error: msg("errors.badRequest") });

type ActionData = {
  intent?: string;
  tokenId?: number;
  fieldErrors?: FieldErrors;
  formError?: string;
  notice?: { key: MessageKey; params?: Params };
  /** The new token in clear text: in this one answer only, never stored or shown again. */
  created?: { name: string; token: string };
};

const NO_STORE = { "Cache-Control": "no-store" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const [tokens, scopes] = await Promise.all([listApiTokens(), scopeChoices()]);
  return json({ tokens, scopes }, { headers: NO_STORE });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await readFormData(request);
  const parsed = parseForm(form, ActionSchema);
  const intent = String(form.get("intent") ?? "");
  const rawId = Number(form.get("tokenId"));
  const tokenId = Number.isInteger(rawId) && rawId > 0 ? rawId : undefined;
  if (!parsed.ok) {
    return json<ActionData>({ intent, tokenId, fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form") }, { status: 400, headers: NO_STORE });
  }
  const input = parsed.data;
  try {
    if (input.intent === "create") {
      const { token, row } = await createApiToken(admin.id, input);
      return json<ActionData>({ intent, created: { name: row.name, token } }, { headers: NO_STORE });
    }
    const { name } = await revokeApiToken(admin.id, input.tokenId, input.reason);
    return json<ActionData>({ intent, tokenId, notice: { key: "api.tokens.revokedDone", params: { name } } }, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof ApiTokenError) {
      const fieldErrors = error.field ? { [error.field]: msg(error.messageKey) } : {};
      return json<ActionData>({ intent, tokenId, fieldErrors, formError: msg(error.messageKey) }, { status: 400, headers: NO_STORE });
    }
    throw error;
  }
}

export default function AdminTokens() {
  const { tokens, scopes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, dateTime } = useT();
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const errorsFor = (intent: string, tokenId?: number) =>
    actionData && actionData.intent === intent && actionData.tokenId === tokenId ? (actionData.fieldErrors ?? {}) : {};
  const createErrors = errorsFor("create");
  return (
    <>
      <h1 data-testid="page-title">{t("api.tokens.title")}</h1>
      <p>{t("api.tokens.intro")}</p>
      <p className="muted small">
        {t("api.tokens.docs")} <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
      </p>

      {actionData?.created ? (
        <div className="alert alert--success api-token-once" role="status">
          <p>{t("api.tokens.created", { name: actionData.created.name })}</p>
          <label htmlFor="new-token">{t("api.tokens.tokenLabel")}</label>
          <input id="new-token" className="api-token-once__value" readOnly value={actionData.created.token} data-testid="new-token"
            onFocus={(event) => event.currentTarget.select()} />
        </div>
      ) : null}
      <ActionAlerts notice={actionData?.notice} formError={actionData?.formError} />

      <section className="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t("api.tokens.new")}</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="create" />
          <TextField name="name" label={t("api.tokens.name")} hint={t("api.tokens.nameHint")} required maxLength={100}
            error={translateError(t, createErrors.name)} />
          <SelectField name="scopeUnitId" label={t("api.tokens.scope")} required defaultValue=""
            error={translateError(t, createErrors.scopeUnitId)}>
            <option value="" disabled>
              —
            </option>
            {scopes.map((s) => (
              <option key={s.id} value={s.id}>
                {unitName(s)}
              </option>
            ))}
          </SelectField>
          <TextField name="reason" label={t("api.tokens.reason")} hint={t("api.tokens.reasonHint")} required
            error={translateError(t, createErrors.reason)} />
          <button type="submit" className="button button--primary">{t("api.tokens.create")}</button>
        </Form>
      </section>

      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t("api.tokens.list")}</h2>
        {tokens.length === 0 ? (
          <p>{t("api.tokens.none")}</p>
        ) : (
          <ul className="api-token-list">
            {tokens.map((token) => {
              const revokeErrors = errorsFor("revoke", token.id);
              return (
                <li key={token.id} className="card" data-testid="api-token">
                  <p>
                    <strong>{token.name}</strong> <code>{token.prefix}…</code>{" "}
                    <span className={token.revokedAt || !token.ownerActive ? "badge badge--todo" : "badge badge--ok"}>
                      {token.revokedAt ? t("api.tokens.revoked") : token.ownerActive ? t("api.tokens.active") : t("api.tokens.suspended")}
                    </span>
                  </p>
                  {!token.revokedAt && !token.ownerActive ? <p className="muted small">{t("api.tokens.suspendedHint")}</p> : null}
                  <dl className="api-token-facts small">
                    <dt>{t("api.tokens.scope")}</dt>
                    <dd>{unitName(token.scopeUnit)}</dd>
                    <dt>{t("api.tokens.createdBy")}</dt>
                    <dd>
                      {token.createdBy ?? "—"} · {dateTime(token.createdAt)}
                    </dd>
                    <dt>{t("api.tokens.lastUsed")}</dt>
                    <dd>{token.lastUsedAt ? dateTime(token.lastUsedAt) : t("api.tokens.never")}</dd>
                  </dl>
                  {token.revokedAt ? (
                    <p className="muted small">{t("api.tokens.revokedAt", { when: dateTime(token.revokedAt), by: token.revokedBy ?? "—" })}</p>
                  ) : (
                    <details>
                      <summary>{t("api.tokens.revoke")}</summary>
                      <Form method="post" className="stack">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="tokenId" value={token.id} />
                        <p className="muted small">{t("api.tokens.revokeHint")}</p>
                        <TextField name="reason" label={t("api.tokens.reason")} hint={t("api.tokens.reasonHint")} required
                          error={translateError(t, revokeErrors.reason)} />
                        <button type="submit" className="button button--danger">{t("api.tokens.revoke")}</button>
                      </Form>
                    </details>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
