import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "~/auth/guards.server";
import { courseFormValues, EMPTY_COURSE_FORM, parseCreateCourseForm, type CourseFormValues } from "~/catalogue-admin/course-form";
import { CourseFormFields, TextAreaField } from "~/catalogue-admin/course-form-fields";
import { courseFormChoices, createCourse } from "~/catalogue-admin/courses.server";
import { isCatalogueAdminError } from "~/catalogue-admin/errors";
import { refusal, translateRefusal } from "~/catalogue-admin/form-errors";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/i18n";
import { msg, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

type ActionData = { fieldErrors: FieldErrors; formError?: string; values: CourseFormValues };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "hr", "admin");
  return json({ choices: await courseFormChoices() }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const form = await readFormData(request);
  const values = courseFormValues(form);
  const parsed = parseCreateCourseForm(form);
  if (!parsed.ok) {
    return json<ActionData>({ fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.form"), values }, { status: 400 });
  }
  try {
    const course = await createCourse(user.id, parsed.data);
    return redirect(`/manage/courses/${course.id}?created=1`);
  } catch (error) {
    if (isCatalogueAdminError(error)) return json<ActionData>({ ...refusal(error), values }, { status: 400 });
    throw error;
  }
}

export default function NewCourse() {
  const { choices } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale } = useT();
  const values = actionData?.values ?? EMPTY_COURSE_FORM;
  return (
    <>
      <p className="back-link">
        <Link to="/manage/courses">{t("manage.courses.back")}</Link>
      </p>
      <h1 data-testid="page-title">{t("manage.courses.new")}</h1>
      {actionData?.formError ? (
        <p className="alert alert--error" role="alert">
          {translateRefusal(t, locale, actionData.formError)}
        </p>
      ) : null}
      <Form method="post" className="stack card manage-form" noValidate>
        <CourseFormFields choices={choices} values={values} errors={actionData?.fieldErrors ?? {}} withCode />
        <TextAreaField
          name="reason"
          label={t("manage.reasonOptional")}
          hint={t("manage.reasonHint")}
          rows={2}
          maxLength={500}
          defaultValue={values.reason}
          error={translateRefusal(t, locale, actionData?.fieldErrors.reason)}
        />
        <div className="button-row">
          {/* Disabled while sending: a double tap sends one request (and the unique code catches any other). */}
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("manage.courses.create")}
          </button>
          <Link to="/manage/courses" className="button">
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
