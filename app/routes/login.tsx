import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { getOptionalUser } from "~/auth/guards.server";
import { homePathFor } from "~/auth/roles";
import { createSession } from "~/auth/session.server";
import { signIn } from "~/auth/sign-in.server";
import { TextField } from "~/components/fields";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { isDemoInstall } from "~/org/settings.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { safeRedirectPath } from "~/utils/http.server";
import { requestContext } from "~/utils/request-context.server";
import { readFormData } from "~/utils/form-data.server";

export const meta: MetaFunction = () => [{ title: "登录 · 小巷学院 Lane Academy" }];

const SignInSchema = z.object({
  username: fields.text(100),
  password: z.string({ error: msg("errors.required") }).min(1, msg("errors.required")).max(200, msg("errors.tooLong", { max: 200 })),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (user) throw redirect(homePathFor(user.role));
  return json({ demo: await isDemoInstall() });
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(await readFormData(request), SignInSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors, formError: null }, { status: 400 });
  const { username, password, redirectTo } = parsed.data;
  const result = await signIn({ username, password, ip: requestContext()?.ip ?? null });
  if (!result.ok) {
    if (result.reason === "throttled") {
      const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
      return json(
        { fieldErrors: {}, formError: msg("login.throttled", { minutes }) },
        { status: 429, headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) } },
      );
    }
    return json({ fieldErrors: {}, formError: msg("login.wrongCredentials") }, { status: 400 });
  }
  const cookie = await createSession(request, result.user.id);
  const destination = result.user.mustChangePassword
    ? "/account/password"
    : safeRedirectPath(redirectTo, homePathFor(result.user.role));
  return redirect(destination, { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { t } = useT();
  const { demo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const errors: FieldErrors = actionData?.fieldErrors ?? {};
  return (
    <section className="narrow card" aria-labelledby="login-title">
      <h1 id="login-title" data-testid="page-title">
        {t("login.title")}
      </h1>
      <p className="muted">{t("login.intro")}</p>
      {actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, actionData.formError)}
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <TextField
          name="username"
          label={t("login.username")}
          hint={t("login.usernameHint")}
          autoComplete="username"
          autoCapitalize="none"
          required
          error={translateError(t, errors.username)}
        />
        <TextField
          name="password"
          type="password"
          label={t("login.password")}
          autoComplete="current-password"
          required
          error={translateError(t, errors.password)}
        />
        <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
      {demo ? <p className="muted small">{t("login.demoAccounts")}</p> : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
