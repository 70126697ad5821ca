// A promotion round end to end, on the demo (desktop): district HR calculates the round of
// the current year (grades take effect on 1 January of the next), sees every proposal with
// the rule steps that explain it, overrides one person's proposal with a reason, confirms the
// round, and finds the new grade in that person's grade history and the override, the grade
// change and the confirmation in the audit log.
//
// The database is only READ here (which proposal to override: someone the rules leave at
// their grade, below the top of their post's range); every change goes through the UI.
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { pathPattern, signIn } from "./helpers";

const E2E_DB = path.resolve("tests/.tmp/e2e/lane.db");
const REASON = "社区治理创新项目获区级表彰（端到端测试）";

type Target = { employeeNo: string; name: string; currentGrade: number; proposedGrade: number };

/** A proposal of the round that keeps the person's grade and leaves room above it. */
function overrideTarget(year: number): Target {
  const db = new Database(E2E_DB, { readonly: true });
  try {
    const target = db
      .prepare(
        `SELECT pe.employeeNo AS employeeNo, pe.name AS name, pp.currentGrade AS currentGrade, pp.proposedGrade AS proposedGrade
           FROM "PromotionProposal" pp
           JOIN "PromotionRound" r ON r.id = pp.roundId
           JOIN "Person" pe ON pe.id = pp.personId
           JOIN "PostType" pt ON pt.code = pe.postTypeCode
          WHERE r.year = ? AND pp.overrideGrade IS NULL AND pp.proposedGrade = pp.currentGrade AND pp.currentGrade < pt.maxGrade
          ORDER BY pe.employeeNo LIMIT 1`,
      )
      .get(year) as Target | undefined;
    expect(target, "the round has a proposal that keeps a grade below the post's top").toBeTruthy();
    return target!;
  } finally {
    db.close();
  }
}

function proposalCard(page: Page, employeeNo: string): Locator {
  return page.locator("li.career-proposal").filter({ hasText: employeeNo });
}

test("HR runs a promotion round: proposals with reasons, an override with a reason, confirmation, grade history and audit", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "a round is confirmed once per database; the desktop runs it");
  test.setTimeout(90_000);

  await signIn(page, "hr");
  await page.goto("/hr/promotions");
  await expect(page.getByTestId("page-title")).toHaveText("等级晋升");

  // The round of the current year: the form offers it; its grades take effect next year.
  const yearField = page.locator('input[name="year"]');
  const year = Number(await yearField.inputValue());
  expect(year).toBeGreaterThan(2000);
  await page.getByRole("button", { name: "计算建议" }).click();
  await expect(page).toHaveURL(pathPattern(`/hr/promotions/${year}`));
  await expect(page.getByTestId("page-title")).toHaveText(`${year} 年度晋升`);
  await expect(page.getByText("草稿", { exact: true })).toBeVisible();
  await expect(page.getByText(`确认后自 ${year + 1} 年 1 月 1 日起生效`)).toBeVisible();

  // Every proposal explains itself: the rule steps with their figures.
  const cards = page.locator("li.career-proposal");
  expect(await cards.count()).toBeGreaterThan(10);
  const first = cards.first();
  await first.locator("summary", { hasText: "计算过程" }).click();
  const steps = first.locator("ol.career-steps li");
  expect(await steps.count()).toBeGreaterThan(0);
  await expect(steps.first()).toBeVisible();
  await expect(steps.first()).not.toHaveText("");

  // Override one proposal with a reason.
  const target = overrideTarget(year);
  const newGrade = target.currentGrade + 1;
  const card = proposalCard(page, target.employeeNo);
  await expect(card).toContainText(`当前 ${target.currentGrade} 级 → 建议 ${target.proposedGrade} 级`);
  await card.locator("summary", { hasText: "计算过程" }).click();
  expect(await card.locator("ol.career-steps li").count()).toBeGreaterThan(0);
  await card.locator("summary", { hasText: "调整建议" }).click();
  // A missing reason is refused with a message, and nothing changes.
  await card.locator('input[name="grade"]').fill(String(newGrade));
  await card.locator('input[name="reason"]').fill("   ");
  await card.getByRole("button", { name: "保存调整" }).click();
  await expect(proposalCard(page, target.employeeNo).locator(".field__error")).toBeVisible();
  await expect(proposalCard(page, target.employeeNo)).not.toContainText(`调整为 ${newGrade} 级`);

  const again = proposalCard(page, target.employeeNo);
  if (!(await again.locator('input[name="reason"]').isVisible())) await again.locator("summary", { hasText: "调整建议" }).click();
  await again.locator('input[name="grade"]').fill(String(newGrade));
  await again.locator('input[name="reason"]').fill(REASON);
  await again.getByRole("button", { name: "保存调整" }).click();
  await expect(page.getByRole("status")).toHaveText(`已调整：${target.name} → ${newGrade} 级。`);
  const overridden = proposalCard(page, target.employeeNo);
  await expect(overridden).toContainText(`调整为 ${newGrade} 级`);
  await expect(overridden).toContainText(`调整理由：${REASON}`);

  // The filter "changes only" now lists the overridden person.
  await page.getByRole("link", { name: "仅看变动" }).click();
  await expect(page).toHaveURL(/changes=1/);
  // The URL changes before the filtered list is on the page (the router renders it in a React
  // transition, late on a busy machine), and the card is in the unfiltered list too: wait until
  // no proposal that keeps its grade is left, then look for the card.
  await expect(page.locator("li.career-proposal:not(.career-proposal--up)")).toHaveCount(0);
  await expect(proposalCard(page, target.employeeNo)).toBeVisible();

  // Confirm the round: once.
  await page.getByRole("button", { name: "确认本轮" }).click();
  await expect(page.getByRole("status")).toContainText("本轮已确认");
  await expect(page.getByText("已确认", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "确认本轮" })).toHaveCount(0);
  await expect(proposalCard(page, target.employeeNo).locator("summary", { hasText: "调整建议" })).toHaveCount(0);

  // The person's grade history: the new grade, from 1 January next year, as an override with its reason.
  await page.goto(`/hr/people/${encodeURIComponent(target.employeeNo)}`);
  const history = page.locator("section", { has: page.locator("#grades-title") }).locator("ol.career-timeline li");
  const record = history.filter({ hasText: "人工调整" });
  await expect(record).toHaveCount(1);
  await expect(record).toContainText(`${newGrade} 级`);
  await expect(record).toContainText(REASON);
  await expect(record).toContainText(String(year + 1));

  // The audit log: the override and the grade change (with the reason) for this person, and the confirmation.
  await page.goto(`/hr/audit?person=${encodeURIComponent(target.employeeNo)}`);
  const events = page.locator("ol.audit-list > li");
  const override = events.filter({ hasText: "promotion.overridden" });
  await expect(override).toHaveCount(1);
  await expect(override).toContainText(target.name);
  await expect(override).toContainText(REASON);
  const gradeChange = events.filter({ hasText: "person.grade_changed" });
  await expect(gradeChange).toHaveCount(1);
  await expect(gradeChange).toContainText(String(newGrade));
  await page.goto(`/hr/audit?action=promotion.round_confirmed`);
  await expect(page.locator("ol.audit-list > li").filter({ hasText: "promotion.round_confirmed" })).toHaveCount(1);
});
