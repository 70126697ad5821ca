// Shared steps for the end-to-end tests. They find things the way the UI contract names them
// (form field names, data-testid, the locale and logout forms), not by layout.
import { expect, type Locator, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "lane-demo";

/** Each demo account and the home page its role lands on after signing in. */
export const DEMO_HOMES = {
  secretary: "/my",
  trainer: "/trainer",
  hr: "/hr",
  admin: "/admin",
} as const;

export type DemoUser = keyof typeof DEMO_HOMES;

/** The sign-in form (the page may have other POST forms, e.g. the language switch). */
export function signInForm(page: Page): Locator {
  return page.locator("form", { has: page.locator('input[name="username"]') });
}

export function submitButton(form: Locator): Locator {
  return form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
}

/** Fills and submits the sign-in form on /login; does not wait for where it leads. */
export async function submitSignIn(page: Page, username: string, password: string) {
  if (!new URL(page.url(), "http://x").pathname.startsWith("/login")) await page.goto("/login");
  const form = signInForm(page);
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await submitButton(form).click();
}

/** Signs in through the form as a demo account and waits for its home page. */
export async function signIn(page: Page, username: DemoUser, password = DEMO_PASSWORD) {
  await submitSignIn(page, username, password);
  await expect(page).toHaveURL(pathPattern(DEMO_HOMES[username]));
  await expect(page.getByTestId("page-title")).toBeVisible();
}

/** Matches a URL whose path is exactly `path` (any query string). */
export function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^[a-z]+://[^/]+${escaped}/?(\\?.*)?$`);
}

/** The visible button of a header form (a phone layout may keep a hidden copy elsewhere). */
export function localeButton(page: Page, locale: "en" | "zh-CN"): Locator {
  return page.locator(`form[action^="/locale"] button[name="locale"][value="${locale}"]`).filter({ visible: true });
}

export function signOutButton(page: Page): Locator {
  return page.locator('form[action^="/logout"] button').filter({ visible: true });
}

/** Fails when the page is wider than the viewport, i.e. the reader must scroll sideways. */
export async function expectNoHorizontalScroll(page: Page) {
  const width = page.viewportSize()?.width ?? 375;
  const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(scrollWidth, `page ${page.url()} is ${scrollWidth}px wide on a ${width}px screen`).toBeLessThanOrEqual(width);
}
