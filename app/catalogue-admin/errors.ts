// Refusals of the catalogue-management domain: a dictionary key, the form field it belongs
// to (if any) and the key's parameters. Client-safe, so routes and tests can name the keys.
import type { MessageKey, Params } from "~/i18n/i18n";

export class CatalogueAdminError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly field?: string,
    readonly params?: Params,
  ) {
    super(params ? `${messageKey} ${JSON.stringify(params)}` : messageKey);
    this.name = "CatalogueAdminError";
  }
}

export function isCatalogueAdminError(error: unknown): error is CatalogueAdminError {
  return error instanceof CatalogueAdminError;
}
