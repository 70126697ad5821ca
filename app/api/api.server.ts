// Shared plumbing of the JSON API (/api/v1): who is calling, in which language errors come
// back, and cursor pagination. Same rules and permissions as the pages: every endpoint starts
// with a guard from app/auth/guards.server.ts.
import { json } from "@remix-run/node";
import type { ZodType } from "zod";
import { getOptionalUser } from "~/auth/guards.server";
import { isLocale, translator, type Locale, type MessageKey, type Params } from "~/i18n/i18n";
import { resolveLocale } from "~/i18n/i18n.server";
import { apiError } from "~/utils/http.server";

export const API_HEADERS = { "Cache-Control": "no-store" } as const;

/** Error messages follow Accept-Language when the client names a language we speak. */
export async function apiLocale(request: Request): Promise<Locale> {
  const accepted = (request.headers.get("Accept-Language") ?? "")
    .split(",")
    .map((part) => part.split(";")[0].trim());
  for (const tag of accepted) {
    if (isLocale(tag)) return tag;
    if (tag.toLowerCase().startsWith("zh")) return "zh-CN";
    if (tag.toLowerCase().startsWith("en")) return "en";
  }
  const user = await getOptionalUser(request);
  return resolveLocale(request, user?.locale);
}

export async function apiFailure(request: Request, status: number, key: MessageKey, params?: Params, extra?: Record<string, unknown>) {
  const t = translator(await apiLocale(request));
  return apiError(status, key, t(key, params), extra);
}

/** Query parameters through a zod schema; a bad value is a 400 naming the parameter. */
export async function parseQuery<S extends ZodType>(request: Request, schema: S) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = schema.safeParse(params);
  if (result.success) return result.data as S["_output"];
  const issue = result.error.issues[0];
  throw await apiFailure(request, 400, "errors.badRequest", undefined, { parameter: issue.path.join(".") });
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
