// Client-safe translation and formatting. The server picks the locale (i18n.server.ts);
// the root loader sends that locale's dictionary to the browser; useT() reads it.
import { useRouteLoaderData } from "@remix-run/react";
import { en } from "./en";
import { zhCN, type MessageKey } from "./zh-CN";

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";
/** Dates are shown in Shanghai time whatever the server's or browser's zone. */
export const TIME_ZONE = "Asia/Shanghai";

export type { MessageKey };
export type Params = Record<string, string | number>;
export type Dictionary = Record<MessageKey, string>;

const dictionaries: Record<Locale, Dictionary> = { "zh-CN": zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && value in zhCN;
}

function interpolate(template: string, params?: Params) {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  return (key, params) => interpolate(dictionary[key] ?? key, params);
}

/**
 * Node's ICU and the browser's disagree on narrow and thin spaces in dates ("9:00\u202fAM"):
 * a mismatch makes React discard the server's HTML. Every formatted date goes through this.
 */
export function plainSpaces(text: string) {
  return text.replace(/[\u00a0\u2009\u202f]/g, " ");
}

/**
 * Building an Intl formatter costs ~50–100 µs, using one ~1 µs; a page formats dozens of dates
 * and numbers (docs/performance.md), so formatters are kept per locale and options.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!formatter) formatters.set(key, (formatter = new Intl.DateTimeFormat(locale, options)));
  return formatter;
}

function numberFormatter(locale: Locale, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options ?? {})}`;
  let formatter = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!formatter) formatters.set(key, (formatter = new Intl.NumberFormat(locale, options)));
  return formatter;
}

export function formatDate(locale: Locale, value: Date | string, options?: Intl.DateTimeFormatOptions) {
  return plainSpaces(dateFormatter(locale, { timeZone: TIME_ZONE, dateStyle: "medium", ...options }).format(new Date(value)));
}

/** "10 Mar 2026, 09:00 – 12:00": Intl shortens the range when both ends share a day. */
export function formatDateRange(
  locale: Locale,
  from: Date | string,
  to: Date | string,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
) {
  return plainSpaces(dateFormatter(locale, { timeZone: TIME_ZONE, ...options }).formatRange(new Date(from), new Date(to)));
}

export function formatDateTime(locale: Locale, value: Date | string) {
  return formatDate(locale, value, { dateStyle: "medium", timeStyle: "short" });
}

export function formatNumber(locale: Locale, value: number, options?: Intl.NumberFormatOptions) {
  return numberFormatter(locale, options).format(value);
}

/** Centipoints (integers, see docs/data-model.md) as a localised number of points. */
export function formatPoints(locale: Locale, centipoints: number) {
  return formatNumber(locale, centipoints / 100, { maximumFractionDigits: 2 });
}

export type I18nData = { locale: Locale };

/**
 * Translation in components: `const { t, locale } = useT()`. The root loader says which
 * language; the dictionaries themselves ship in the browser bundle (cached), not in every
 * page's data.
 */
export function useT() {
  const data = useRouteLoaderData("root") as { i18n?: I18nData } | undefined;
  const locale = data?.i18n?.locale ?? DEFAULT_LOCALE;
  const messages = dictionaries[locale];
  const t: Translate = (key, params) => interpolate(messages[key] ?? key, params);
  return {
    t,
    locale,
    date: (value: Date | string, options?: Intl.DateTimeFormatOptions) => formatDate(locale, value, options),
    dateTime: (value: Date | string) => formatDateTime(locale, value),
    number: (value: number, options?: Intl.NumberFormatOptions) => formatNumber(locale, value, options),
    points: (centipoints: number) => formatPoints(locale, centipoints),
  };
}
