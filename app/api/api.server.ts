// Shared plumbing of the JSON API (/api/v1): who is calling, in which language errors come
// back, and cursor pagination. Same rules and permissions as the pages: every endpoint starts
// with a guard from app/auth/guards.server.ts.
import { json } from "@remix-run/node";
import { z, type ZodType } from "zod";
// The session module, not the guards: the guards answer API requests through apiErrorResponse.
import { getSessionUser } from "~/auth/session.server";
import { isLocale, translator, type Locale, type MessageKey, type Params } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { msg, translateError } from "~/utils/forms";
import { apiError } from "~/utils/http.server";

export const API_HEADERS = { "Cache-Control": "no-store" } as const;

/**
 * Error messages follow Accept-Language when the client names a language we speak, else the
 * page rules (locale cookie, then the account's language, then Chinese). Pass the account's
 * language when the caller already holds the user, to save a session lookup.
 */
export async function apiLocale(request: Request, accountLocale?: string | null): Promise<Locale> {
  const accepted = (request.headers.get("Accept-Language") ?? "")
    .split(",")
    .map((part) => part.split(";")[0].trim());
  for (const tag of accepted) {
    if (isLocale(tag)) return tag;
    if (tag.toLowerCase().startsWith("zh")) return "zh-CN";
    if (tag.toLowerCase().startsWith("en")) return "en";
  }
  if (accountLocale !== undefined) return resolveLocale(request, accountLocale);
  const user = await getSessionUser(request);
  return resolveLocale(request, user?.locale);
}

export async function apiFailure(request: Request, status: number, key: MessageKey, params?: Params, extra?: Record<string, unknown>) {
  const t = translator(await apiLocale(request));
  return apiError(status, key, t(key, params), extra);
}

/**
 * A JSON error of the API in the caller's language, with the API's headers: the code is the
 * message key (docs/api.md), `params` carries its figures. Used by the session guards for API
 * requests and by the HR endpoints alike, so every 401/403 of /api/v1 has one shape.
 */
export async function apiErrorResponse(
  request: Request,
  status: number,
  key: MessageKey,
  params?: Params,
  options: { headers?: Record<string, string>; extra?: Record<string, unknown>; accountLocale?: string | null } = {},
): Promise<Response> {
  const t = translator(await apiLocale(request, options.accountLocale));
  const response = apiError(status, key, t(key, params), { ...(params ? { params } : {}), ...options.extra });
  for (const [name, value] of Object.entries({ ...API_HEADERS, ...options.headers })) response.headers.set(name, value);
  return response;
}

/**
 * Query parameters through a zod schema; a bad value is a 400 naming the parameter
 * (`parameter`: the first) with a translated message per bad parameter (`fields`). Zod
 * messages are dictionary keys (msg() in utils/forms), as in the forms.
 */
export async function parseQuery<S extends ZodType>(request: Request, schema: S) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = schema.safeParse(params);
  if (result.success) return result.data as S["_output"];
  const t = translator(await apiLocale(request));
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = issue.path.map(String).join(".") || "query";
    fields[name] ??= translateError(t, issue.message) ?? t("errors.invalid");
  }
  const parameter = result.error.issues[0].path.join(".");
  throw apiError(400, "errors.badRequest", t("errors.badRequest"), { parameter, fields });
}

/** Opaque cursors: the last row's sort key, base64url-encoded JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string | undefined, schema: ZodType<T>): T | null {
  if (!cursor) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function apiJson(data: unknown, init: ResponseInit = {}) {
  return json(data, { ...init, headers: { ...API_HEADERS, ...init.headers } });
}

/** Points leave the API as decimal numbers (56.5); they are stored as centipoints. */
export function toPoints(centipoints: number): number {
  return Math.round(centipoints) / 100;
}

// ---------------------------------------------------------------- shared query parameters

/** `year=YYYY`, a credit year. */
export const yearParam = z.coerce
  .number(msg("api.errors.year"))
  .int(msg("api.errors.year"))
  .min(2000, msg("api.errors.year"))
  .max(2100, msg("api.errors.year"));

/** Page sizes of the HR endpoints: an HR system syncing a district pages through thousands. */
export const API_PAGE_MAX = 500;
export const API_PAGE_DEFAULT = 100;

/** `limit`: page size, 1..max. */
export function limitParam(max: number, fallback: number) {
  const error = msg("api.errors.limit", { max });
  return z.coerce.number(error).int(error).min(1, error).max(max, error).default(fallback);
}

/** `cursor`: whatever a previous page handed out (checked when decoded). */
export const cursorParam = z.string().max(500, msg("api.errors.badCursor")).optional();

/**
 * Unit codes and employee numbers: 1–64 characters without spaces or control characters (an
 * import may bring numbers like "沪-0012"; they are only ever compared for equality).
 */
export const codeParam = z.string().trim().min(1, msg("api.errors.code")).max(64, msg("api.errors.code")).regex(/^[^\s\p{Cc}]+$/u, msg("api.errors.code"));

export const booleanParam = z.enum(["true", "false"], msg("api.errors.boolean")).transform((v) => v === "true");

/** Keyset cursors over an autoincrement id: `{"id": n}`, base64url. */
const IdCursor = z.object({ id: z.number().int().positive() });

export function idCursor(id: number): string {
  return encodeCursor({ id });
}

/** A cursor this API did not hand out: 400, like any other bad parameter. */
export async function badCursor(request: Request): Promise<never> {
  const t = translator(await apiLocale(request));
  throw apiError(400, "errors.badRequest", t("errors.badRequest"), { parameter: "cursor", fields: { cursor: t("api.errors.badCursor") } });
}

/** The id after which the page starts, 0 for the first page; a malformed cursor is a 400. */
export async function afterId(request: Request, cursor: string | undefined): Promise<number> {
  if (!cursor) return 0;
  return decodeCursor(cursor, IdCursor)?.id ?? badCursor(request);
}

/** One page of rows fetched with `take: limit + 1`: the rows to show and the next cursor. */
export function pageOf<T extends { id: number }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? idCursor(last.id) : null };
}
