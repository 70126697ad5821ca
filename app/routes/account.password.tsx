import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AccountError, changeOwnPassword } from "~/auth/accounts.server";
import { requireUser } from "~/auth/guards.server";
import { homePathFor } from "~/auth/roles";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { useT } from "~/i18n/i18n";
import { msg, parseForm, translateError } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

// bcrypt reads at most 72 bytes; a longer password would be silently truncated.
const newPassword = z
  .string({ error: msg("errors.required") })
  .min(10, msg("errors.tooShort", { min: 10 }))
  .refine((v) => new TextEncoder().encode(v).length <= 72, msg("errors.tooLong", { max: 72 }));

const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ error: msg("errors.required") }).min(1, msg("errors.required")).max(200),
    newPassword,
    confirmPassword: z.string({ error: msg("errors.required") }).min(1, msg("errors.required")),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    message: msg("password.mismatch"),
    path: ["confirmPassword"],
  });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { allowPendingPasswordChange: true });
  const url = new URL(request.url);
  return json({ mustChange: user.mustChangePassword, changed: url.searchParams.get("changed") === "1" });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowPendingPasswordChange: true });
  const parsed = parseForm(await readFormData(request), ChangePasswordSchema);
  if (!parsed.ok) return json({ fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    await changeOwnPassword({
      userId: user.id,
      sessionId: user.sessionId,
      currentPassword: parsed.data.currentPassword,
      newPassword: parsed.data.newPassword,
    });
  } catch (error) {
    if (error instanceof AccountError) {
      return json({ fieldErrors: { [error.field ?? "newPassword"]: msg(error.messageKey) } }, { status: 400 });
    }
    throw error;
  }
  if (user.mustChangePassword) throw redirect(homePathFor(user.role));
  throw redirect("/account/password?changed=1");
}

export default function ChangePassword() {
  const { t } = useT();
  const { mustChange, changed } = useLoaderData<typeof loader>();
  const errors: Partial<Record<string, string>> = useActionData<typeof action>()?.fieldErrors ?? {};
  return (
    <section className="narrow card" aria-labelledby="password-title">
      <h1 id="password-title" data-testid="page-title">
        {t("password.title")}
      </h1>
      {mustChange ? (
        <p className="alert alert--warning" role="status">
          {t("password.mustChange")}
        </p>
      ) : null}
      {changed ? (
        <p className="alert alert--success" role="status">
          {t("password.changed")}
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <TextField
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          label={t("password.current")}
          required
          error={translateError(t, errors.currentPassword)}
        />
        <TextField
          name="newPassword"
          type="password"
          autoComplete="new-password"
          label={t("password.new")}
          hint={t("password.newHint")}
          required
          error={translateError(t, errors.newPassword)}
        />
        <TextField
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          label={t("password.confirm")}
          required
          error={translateError(t, errors.confirmPassword)}
        />
        <button type="submit" className="button button--primary">
          {t("password.submit")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
