// Turning the domain's refusals into form errors and form errors into text. Client-safe.
import type { Locale, Translate } from "~/i18n/i18n";
import { localizeParams } from "~/notifications/payload";
import { msg, translateError, type FieldErrors } from "~/utils/forms";
import type { CatalogueAdminError } from "./errors";

/** A refusal as the action's answer: on its field when it has one, and as the form's message. */
export function refusal(error: CatalogueAdminError): { fieldErrors: FieldErrors; formError: string } {
  const message = msg(error.messageKey, error.params);
  return { fieldErrors: error.field ? { [error.field]: message } : {}, formError: error.field ? msg("errors.form") : message };
}

/**
 * translateError, plus names that travel as xZh/xEn pairs (a level's name in a refusal)
 * shown in the reader's language.
 */
export function translateRefusal(t: Translate, locale: Locale, message: string | undefined | null): string | undefined {
  if (!message) return undefined;
  const [key, rawParams] = message.split("|", 2) as [string, string | undefined];
  if (!rawParams) return translateError(t, message);
  try {
    const params = JSON.parse(rawParams) as Record<string, string | number>;
    return translateError(t, `${key}|${JSON.stringify(localizeParams(params, locale))}`);
  } catch {
    return translateError(t, key);
  }
}
