import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { apiErrorResponse, apiFailure, apiJson, apiLocale } from "~/api/api.server";
import { readOnlyAction } from "~/api/hr-api.server";
import { requireRole } from "~/auth/guards.server";
import { describeEnrolmentMessage, describeMissing } from "~/enrolment/describe";
import { enrol, withdraw } from "~/enrolment/enrolment.server";
import { isEnrolmentError, type EnrolmentError } from "~/enrolment/errors";

const Params = z.object({ offeringId: z.coerce.number().int().positive().max(2_147_483_647) });

/** How each refusal maps to HTTP: missing things 404, rules that say no 409/422. */
function statusFor(error: EnrolmentError): number {
  switch (error.code) {
    case "enrolment.errors.offeringNotFound":
    case "enrolment.errors.enrolmentNotFound":
      return 404;
    case "enrolment.errors.forbidden":
      return 403;
    case "enrolment.errors.busy":
      return 503;
    case "enrolment.errors.notEligible":
      return 422;
    default:
      return 409;
  }
}

/**
 * POST   /api/v1/offerings/{id}/enrolments — enrol, or join the waiting list; answers the state.
 * DELETE /api/v1/offerings/{id}/enrolments — withdraw (before the withdrawal deadline).
 * The signed-in learner acts for themselves only: the person comes from the session.
 */
export async function action(args: ActionFunctionArgs) {
  const { request, params } = args;
  // API tokens are read-only everywhere: a token here is refused before anything else.
  if (request.headers.has("Authorization")) return readOnlyAction(args);
  const user = await requireRole(request, "learner");
  const parsed = Params.safeParse(params);
  if (!parsed.success) return apiFailure(request, 404, "enrolment.errors.offeringNotFound");
  if (!user.personId) return apiFailure(request, 403, "enrolment.errors.personNotFound");
  const { offeringId } = parsed.data;
  try {
    if (request.method === "POST") {
      const result = await enrol({ offeringId, personId: user.personId, actorId: user.id });
      return apiJson(
        {
          enrolmentId: result.enrolmentId,
          state: result.state,
          waitlistPosition: result.waitlistPosition ?? null,
          alreadyEnrolled: result.alreadyEnrolled,
        },
        { status: result.alreadyEnrolled ? 200 : 201 },
      );
    }
    if (request.method === "DELETE") {
      const result = await withdraw({ offeringId, personId: user.personId, actorId: user.id });
      return apiJson({
        enrolmentId: result.enrolmentId,
        state: "withdrawn",
        previousState: result.previousStatus,
        alreadyWithdrawn: result.alreadyWithdrawn,
      });
    }
    return apiErrorResponse(request, 405, "api.errors.methodNotAllowed", { allow: "POST, DELETE" }, { headers: { Allow: "POST, DELETE" }, accountLocale: user.locale });
  } catch (error) {
    if (!isEnrolmentError(error)) throw error;
    const locale = await apiLocale(request);
    return apiJson(
      {
        error: {
          code: error.code,
          message: describeEnrolmentMessage(locale, error.code, error.params),
          params: error.params,
          missing: error.missing.map((m) => ({ code: m.key, params: m.params, message: describeMissing(locale, m) })),
        },
      },
      { status: statusFor(error) },
    );
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  return apiErrorResponse(request, 405, "api.errors.methodNotAllowed", { allow: "POST, DELETE" }, { headers: { Allow: "POST, DELETE" } });
}
