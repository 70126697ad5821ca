// The import's refusals and per-row problems, as message keys with parameters (client-safe:
// the pages translate them).
import type { MessageKey } from "~/i18n/zh-CN";

export type ImportParams = Record<string, string | number>;

/** A refused file or step; nothing was written. */
export class ImportError extends Error {
  constructor(
    readonly messageKey: MessageKey,
    readonly params: ImportParams = {},
    readonly status = 400,
  ) {
    super(`${messageKey} ${JSON.stringify(params)}`);
    this.name = "ImportError";
  }
}

export function isImportError(error: unknown): error is ImportError {
  return error instanceof ImportError;
}

/**
 * One problem with one row of the file: `row` is the row number as a spreadsheet shows it
 * (the header is row 1), `field` the import field it concerns (absent for the whole row).
 */
export type RowIssue = { row: number; field?: string; key: MessageKey; params?: ImportParams };
