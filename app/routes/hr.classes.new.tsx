import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { campSetupRefusal } from "~/camps/camp-setup.server";
import { fieldErrorGetter, type ClassActionData } from "~/classes/action-data";
import { refusal } from "~/classes/action-errors.server";
import { ClassForm } from "~/classes/class-form";
import { classFormChoices, createClass } from "~/classes/classes.server";
import { ClassFormSchema } from "~/classes/forms";
import { shanghaiYearOf } from "~/classes/shanghai-time";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { getTranslator } from "~/i18n/i18n.server";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const choices = await classFormChoices(user);
  return json({ choices, year: shanghaiYearOf(new Date()) }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const { locale, t } = await getTranslator(request, user.locale);
  const parsed = parseForm(await readFormData(request), ClassFormSchema);
  if (!parsed.ok) {
    return json<ClassActionData>({ fieldErrors: parsed.fieldErrors, formError: t("errors.form") }, { status: 400 });
  }
  try {
    const created = await createClass(user, parsed.data);
    return redirect(`/hr/classes/${created.id}?created=1`);
  } catch (error) {
    return campSetupRefusal(error, locale, {}) ?? refusal(error, locale, {});
  }
}

export default function NewClass() {
  const { choices, year } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ClassActionData | undefined;
  const { t } = useT();
  return (
    <>
      <p className="back-link">
        <Link to="/hr/classes">{t("classes.back")}</Link>
      </p>
      <h1 data-testid="page-title">{t("classes.new")}</h1>
      {actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      {choices.units.length === 0 ? <p className="alert alert--warning">{t("classes.noUnits")}</p> : null}
      <p className="muted small">{t("campSetup.newClassNote")}</p>
      <section className="card">
        <ClassForm
          defaults={{
            code: "",
            courseId: "",
            hostUnitId: choices.units.length === 1 ? choices.units[0].id : "",
            trainerId: null,
            venue: "",
            capacity: 30,
            enrolOpensAt: null,
            enrolClosesAt: null,
            withdrawDeadline: null,
            startsAt: null,
            endsAt: null,
            needsApproval: false,
            status: "draft",
            creditYear: year,
          }}
          choices={choices}
          errorFor={fieldErrorGetter(t, actionData, undefined)}
          submitLabel={t("classes.create")}
        />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
