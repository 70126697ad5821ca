// An administrator creates an API token for one street on /admin/tokens, an HR system uses it
// (its street only, read-only), the page shows its last use but never the token again, and a
// revoked token stops working — on a phone and a desktop.
import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, signIn } from "./helpers";

type PersonRow = { employeeNo: string };

test("API token: created once, scoped to a street, read-only, revoked", async ({ page, playwright }, testInfo) => {
  await page.goto("/login");
  await signIn(page, "admin");
  await page.getByRole("link", { name: "管理 API 令牌" }).click();
  await expect(page.getByTestId("page-title")).toHaveText("API 令牌");
  await expectNoHorizontalScroll(page);

  const name = `区人事系统 ${testInfo.project.name} ${Date.now()}`;
  const form = page.locator("form", { has: page.locator('input[name="intent"][value="create"]') });
  await form.getByLabel("名称").fill(name);
  // Options: the placeholder, the district, then the streets in order.
  await form.getByLabel("可读取的单位范围").selectOption({ index: 2 });
  await form.getByLabel("原因").fill("对接区人事系统");
  await form.getByRole("button", { name: "创建令牌" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toBeVisible();
  const token = await shown.inputValue();
  expect(token).toMatch(/^lat_[\w-]{43}$/);
  await expectNoHorizontalScroll(page);

  // The HR system's client: no cookies, only the token.
  const client = await playwright.request.newContext({
    baseURL: testInfo.project.use.baseURL,
    extraHTTPHeaders: { Authorization: `Bearer ${token}`, "Accept-Language": "en" },
  });
  const mine = await client.get("/api/v1/people?limit=500");
  expect(mine.status()).toBe(200);
  expect(mine.headers()["x-ratelimit-limit"]).toBeTruthy();
  const street = ((await mine.json()) as { data: PersonRow[] }).data.map((p) => p.employeeNo);
  expect(street.length).toBeGreaterThan(0);

  // The administrator sees everyone; someone outside the street is refused to the token.
  const everyone = ((await (await page.request.get("/api/v1/people?limit=500")).json()) as { data: PersonRow[] }).data.map((p) => p.employeeNo);
  const outsider = everyone.find((no) => !street.includes(no));
  expect(outsider).toBeTruthy();
  const refused = await client.get(`/api/v1/people/${outsider}/credits`);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("api.errors.outOfScope");
  const own = await client.get(`/api/v1/people/${street[0]}/credits`);
  expect(own.status()).toBe(200);
  expect(await own.json()).toMatchObject({ employeeNo: street[0], met: expect.any(Boolean) });
  // Read-only.
  expect((await client.post("/api/v1/people", { data: {} })).status()).toBe(405);
  // The description is public.
  expect((await client.get("/api/v1/openapi.json")).status()).toBe(200);

  // Back on the page: used, listed by prefix, never shown again.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  const card = page.getByTestId("api-token").filter({ hasText: name });
  await expect(card).toContainText(token.slice(0, 12));
  await expect(card).not.toContainText("从未使用");
  expect(await page.content()).not.toContain(token);

  await card.getByText("吊销", { exact: true }).first().click();
  await card.getByLabel("原因").fill("系统下线");
  await card.getByRole("button", { name: "吊销" }).click();
  await expect(page.getByRole("status")).toContainText("已吊销令牌");
  await expect(page.getByTestId("api-token").filter({ hasText: name })).toContainText("已吊销");
  expect((await client.get("/api/v1/people")).status()).toBe(401);
  await client.dispose();
});
