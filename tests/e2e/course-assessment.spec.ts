// A learner sees that a course is assessed (含考核) in the catalogue and on the course page,
// with what it means, on the phone and desktop projects. The demo's boot camp course is the
// assessed one.
import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, signIn } from "./helpers";

test("the catalogue and the course page mark an assessed course", async ({ page }) => {
  await signIn(page, "secretary");
  await page.goto(`/catalogue?q=${encodeURIComponent("动力营")}`);
  const card = page.locator(".course-card").filter({ hasText: "社区项目设计动力营" });
  await expect(card.getByTestId("assessed")).toHaveText("含考核");
  await expectNoHorizontalScroll(page);

  await card.getByRole("link", { name: "社区项目设计动力营" }).click();
  const assessed = page.getByTestId("assessed");
  await expect(assessed).toContainText("含考核");
  await expect(assessed).toContainText("合格分");
  await expectNoHorizontalScroll(page);
});
