// What a Notification row's payload holds, and how a page turns it into text: a message key
// and its parameters, stored language-neutral and rendered in the reader's language.
// Client-safe.
import { isMessageKey, type Locale, type MessageKey } from "~/i18n/i18n";

export type MessageParams = Record<string, string | number>;
export type NotificationPayload = { key: MessageKey; params: MessageParams };

export function serializePayload(payload: NotificationPayload): string {
  return JSON.stringify({ key: payload.key, params: payload.params });
}

/** The stored payload, or null when it is not one this version can render. */
export function parsePayload(text: string): NotificationPayload | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (!isMessageKey(key)) return null;
  const clean: MessageParams = {};
  if (params && typeof params === "object") {
    for (const [name, v] of Object.entries(params as Record<string, unknown>)) {
      if (typeof v === "string" || typeof v === "number") clean[name] = v;
    }
  }
  return { key, params: clean };
}

/**
 * Names stored in both languages travel as pairs (courseZh / courseEn); the templates use the
 * bare name ({course}). This fills the bare name from the reader's language, falling back to
 * the other when that one is empty.
 */
export function localizeParams(params: MessageParams, locale: Locale): MessageParams {
  const [mine, other] = locale === "en" ? ["En", "Zh"] : ["Zh", "En"];
  const result: MessageParams = { ...params };
  for (const name of Object.keys(params)) {
    if (name.length <= 2 || !name.endsWith(mine)) continue;
    const base = name.slice(0, -2);
    const preferred = params[name];
    const fallback = params[base + other];
    result[base] = preferred === "" && fallback !== undefined ? fallback : preferred;
  }
  return result;
}
