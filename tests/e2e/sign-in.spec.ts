// Signing in and out, the language switch, and the same without JavaScript, on a phone and a
// desktop (the two Playwright projects).
import { expect, test } from "@playwright/test";
import {
  DEMO_HOMES,
  DEMO_PASSWORD,
  type DemoUser,
  expectNoHorizontalScroll,
  localeButton,
  pathPattern,
  signIn,
  signInForm,
  signOutButton,
  submitButton,
  submitSignIn,
} from "./helpers";

const demoUsers = Object.keys(DEMO_HOMES) as DemoUser[];

test.describe("signing in", () => {
  for (const username of demoUsers) {
    test(`${username} lands on ${DEMO_HOMES[username]}`, async ({ page }) => {
      await page.goto("/login");
      await signIn(page, username);
    });
  }

  test("a wrong password shows the generic alert and stays on /login", async ({ page }) => {
    // Wrong passwords go to accounts that a later sign-in clears, spread so that no account
    // nears the lock-out threshold (5 failures) even when CI retries every test.
    await page.goto("/login");
    await submitSignIn(page, "hr", "not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "用户名或密码错误" })).toBeVisible();
    await expect(page).toHaveURL(pathPattern("/login"));

    // An unknown name gets the same words, so the form does not tell who has an account.
    await submitSignIn(page, "nobody-by-this-name", DEMO_PASSWORD);
    await expect(page.getByRole("alert").filter({ hasText: "用户名或密码错误" })).toBeVisible();
    await expect(page).toHaveURL(pathPattern("/login"));
  });
});

test("switching to English and back changes the page language and the buttons", async ({ page }) => {
  await page.goto("/login");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("lang", "zh-CN");
  await expect(submitButton(signInForm(page))).toHaveText("登录");
  await expect(localeButton(page, "en")).toHaveText("English");

  await localeButton(page, "en").click();
  await expect(html).toHaveAttribute("lang", "en");
  await expect(submitButton(signInForm(page))).toHaveText("Sign in");
  await submitSignIn(page, "admin", "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password" })).toBeVisible();

  await signIn(page, "admin");
  await expect(html).toHaveAttribute("lang", "en");
  await expect(signOutButton(page)).toHaveText("Sign out");
  await expect(localeButton(page, "zh-CN")).toHaveText("中文");

  await localeButton(page, "zh-CN").click();
  await expect(html).toHaveAttribute("lang", "zh-CN");
  await expect(signOutButton(page)).toHaveText("退出登录");
});

test("signing out returns to /login, and the home page then asks to sign in", async ({ page }) => {
  await page.goto("/login");
  await signIn(page, "hr");
  await signOutButton(page).click();
  await expect(page).toHaveURL(pathPattern("/login"));
  await expect(signInForm(page)).toBeVisible();

  await page.goto(DEMO_HOMES.hr);
  await expect(page).toHaveURL(pathPattern("/login"));
  await expect(signInForm(page)).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("signing in and out works with plain form posts", async ({ page }) => {
    await page.goto("/login");
    await signIn(page, "trainer");
    await signOutButton(page).click();
    await expect(page).toHaveURL(pathPattern("/login"));
    await page.goto(DEMO_HOMES.trainer);
    await expect(page).toHaveURL(pathPattern("/login"));
  });

  test("a wrong password shows the alert", async ({ page }) => {
    await page.goto("/login");
    await submitSignIn(page, "secretary", "not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "用户名或密码错误" })).toBeVisible();
    await expect(page).toHaveURL(pathPattern("/login"));
  });
});

test.describe("on a phone", () => {
  test.skip(({ isMobile }) => !isMobile, "phone layout only");

  test("the sign-in page needs no sideways scrolling", async ({ page }) => {
    await page.goto("/login");
    await expect(signInForm(page)).toBeVisible();
    await expectNoHorizontalScroll(page);
  });

  for (const username of demoUsers) {
    test(`${username}'s home needs no sideways scrolling`, async ({ page }) => {
      await page.goto("/login");
      await signIn(page, username);
      await expectNoHorizontalScroll(page);
    });
  }
});
