import { createCookie } from "@remix-run/node";
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from "./i18n";

/** The chosen language; not secret, so unsigned; a year long. */
export const localeCookie = createCookie("lane_locale", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  maxAge: 60 * 60 * 24 * 365,
});

/**
 * zh-CN unless the person chose otherwise: the cookie (set by the switch) wins, then the
 * account's saved choice.
 */
export async function resolveLocale(request: Request, accountLocale?: string | null): Promise<Locale> {
  const fromCookie = await localeCookie.parse(request.headers.get("Cookie"));
  if (isLocale(fromCookie)) return fromCookie;
  if (isLocale(accountLocale)) return accountLocale;
  return DEFAULT_LOCALE;
}

export async function getTranslator(request: Request, accountLocale?: string | null) {
  const locale = await resolveLocale(request, accountLocale);
  return { locale, t: translator(locale) };
}
