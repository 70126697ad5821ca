// HR sets up a camp from the class pages, on a phone (375 px): the district officer creates a
// class of the demo's camp course with `trainer3` as trainer, lands on the class page whose camp
// panel names trainer3 as lead mentor, is refused a lead change without a reason, then hands the
// camp to `trainer2` with one; trainer3 stays on as a mentor. A new class, so the demo camp the
// other camp tests run is untouched; every change goes through the UI.
import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, signIn } from "./helpers";

test("HR creates a camp class and changes its lead mentor", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "one run is enough: the phone layout is the harder one");
  test.setTimeout(60_000);
  await signIn(page, "hr");
  await page.goto("/hr/classes/new");
  await expect(page.getByText("选择训练营课程时，会同时建立训练营")).toBeVisible();

  const form = page.locator("form.class-form");
  const course = form.locator('select[name="courseId"]');
  const campCourse = await course.locator("option", { hasText: "CN-L3-07" }).getAttribute("value");
  await course.selectOption(campCourse!);
  await form.locator('select[name="hostUnitId"]').selectOption({ index: 1 });
  const trainer3 = await form.locator('select[name="trainerId"] option', { hasText: "(trainer3)" }).getAttribute("value");
  await form.locator('select[name="trainerId"]').selectOption(trainer3!);
  const year = new Date().getFullYear() + 1;
  await form.locator('input[name="creditYear"]').fill(String(year));
  await form.locator('input[name="enrolOpensAt"]').fill(`${year}-02-01T09:00`);
  await form.locator('input[name="enrolClosesAt"]').fill(`${year}-03-01T17:00`);
  await form.locator('input[name="withdrawDeadline"]').fill(`${year}-03-05T17:00`);
  await form.locator('input[name="startsAt"]').fill(`${year}-03-10T09:00`);
  await form.locator('input[name="endsAt"]').fill(`${year}-03-14T17:00`);
  await form.getByRole("button", { name: "创建班级" }).click();

  await expect(page).toHaveURL(/\/hr\/classes\/\d+\?created=1$/);
  const panel = page.getByTestId("camp-panel");
  await expect(panel.getByTestId("camp-lead")).toHaveText("孙建国（讲师）");
  await expect(panel).toContainText("5 天 4 晚");
  await expect(panel).toContainText("导师 0 人 · 评委 0 人");
  await expectNoHorizontalScroll(page);

  await panel.getByText("更换总导师", { exact: true }).first().click();
  const lead = panel.locator("form").filter({ has: page.locator('input[name="intent"][value="camp-lead"]') });
  const trainer2 = await lead.locator('select[name="leadUserId"] option', { hasText: "(trainer2)" }).getAttribute("value");
  await lead.locator('select[name="leadUserId"]').selectOption(trainer2!);
  await lead.getByRole("button", { name: "更换总导师" }).click();
  await expect(lead.getByText("请填写此项")).toBeVisible();
  await expect(panel.getByTestId("camp-lead")).toHaveText("孙建国（讲师）");

  await lead.locator('select[name="leadUserId"]').selectOption(trainer2!);
  await lead.locator('input[name="reason"]').fill("孙老师借调外区，由周老师接任");
  await lead.getByRole("button", { name: "更换总导师" }).click();
  await expect(panel.getByRole("status")).toContainText("总导师已更换为 周丽华（讲师），孙建国（讲师） 改任导师。");
  await expect(panel.getByTestId("camp-lead")).toHaveText("周丽华（讲师）");
  await expect(panel).toContainText("导师 1 人 · 评委 0 人");
  await expectNoHorizontalScroll(page);
});
