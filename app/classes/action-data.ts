// What the class pages' actions answer, and how a page finds the error of one field of one
// form (pages repeat a form per session or per learner). Zod's messages are dictionary
// keys translated in the page; refusals from the domain arrive already written in the
// reader's language (their parameters hold dates to format on the server). Client-safe.
import type { Translate } from "~/i18n/i18n";
import { translateError, type FieldErrors } from "~/utils/forms";

export type ClassActionData = {
  intent?: string;
  /** The session, enrolment or waiver a repeated form was about. */
  target?: number;
  /** Zod messages (dictionary keys) by field. */
  fieldErrors?: FieldErrors;
  /** A domain refusal about one field, as text. */
  fieldText?: Record<string, string>;
  /** A refusal or problem with the whole form, as text. */
  formError?: string;
  /** What was done, as text. */
  notice?: string;
};

/** The error of `field` in the form identified by intent (and target), as text. */
export function fieldErrorGetter(t: Translate, data: ClassActionData | undefined, intent: string | undefined, target?: number) {
  return (field: string): string | undefined => {
    if (!data || data.intent !== intent || data.target !== target) return undefined;
    return translateError(t, data.fieldErrors?.[field]) ?? data.fieldText?.[field];
  };
}
