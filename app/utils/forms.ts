// Form validation shared by server and browser. Zod messages are dictionary keys (with
// optional parameters), so one schema yields errors in whatever language the reader uses.
import { z } from "zod";
import { isMessageKey, type MessageKey, type Params, type Translate } from "~/i18n/i18n";

/** A zod message: a dictionary key, with parameters after a "|" as JSON. */
export function msg(key: MessageKey, params?: Params): string {
  return params ? `${key}|${JSON.stringify(params)}` : key;
}

export function translateError(t: Translate, message: string | undefined | null): string | undefined {
  if (!message) return undefined;
  const [key, rawParams] = message.split("|", 2) as [string, string | undefined];
  if (!isMessageKey(key)) return t("errors.invalid");
  let params: Params | undefined;
  try {
    params = rawParams ? (JSON.parse(rawParams) as Params) : undefined;
  } catch {
    params = undefined;
  }
  return t(key, params);
}

/**
 * A NUL is never meaningful text, and PostgreSQL cannot store or compare one (a 500 there, a
 * stored control character on SQLite). Found by the fuzz tests.
 */
const noNul = (v: string) => !v.includes("\u0000");

/** Common field shapes with translated messages. */
export const fields = {
  text: (max = 200) =>
    z
      .string({ error: msg("errors.required") })
      .trim()
      .min(1, msg("errors.required"))
      .max(max, msg("errors.tooLong", { max }))
      .refine(noNul, msg("errors.invalid")),
  optionalText: (max = 200) =>
    z
      .string({ error: msg("errors.invalid") })
      .trim()
      .max(max, msg("errors.tooLong", { max }))
      .refine(noNul, msg("errors.invalid"))
      .optional()
      .transform((v) => (v ? v : undefined)),
  choice: <T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: msg("errors.invalidChoice") }),
  // Ids are 32-bit integers in the database: a larger one is "value out of range" (500) on PostgreSQL.
  id: () =>
    z.coerce
      .number({ error: msg("errors.invalidNumber") })
      .int(msg("errors.invalidNumber"))
      .positive(msg("errors.invalidNumber"))
      .max(2_147_483_647, msg("errors.invalidNumber")),
};

export type FieldErrors = Partial<Record<string, string>>;

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors: FieldErrors; formError?: string };

/**
 * Parses FormData with a schema. Repeated fields and unknown fields are ignored unless the
 * schema asks for them (the first value wins), so `role=admin` smuggled into a form does
 * nothing.
 */
export function parseForm<S extends z.ZodType>(formData: FormData, schema: S): FormResult<z.infer<S>> {
  const raw: Record<string, FormDataEntryValue> = {};
  for (const [key, value] of formData) {
    if (!(key in raw)) raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  let formError: string | undefined;
  for (const issue of result.error.issues) {
    const name = issue.path.map(String).join(".");
    if (!name) formError ??= issue.message;
    else fieldErrors[name] ??= issue.message;
  }
  return { ok: false, fieldErrors, formError };
}
