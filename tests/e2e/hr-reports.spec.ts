// HR's credit report, end to end on the demo (phone and desktop): the district officer builds a
// report of last year by street and post type, saves and shares it, drills down from a total to
// the people and on to one person's ledger entries (whose sum is the person's figure), then
// downloads the report as XLSX and CSV through the export form (streamed, with progress) and
// checks both files: Chinese headers, frozen header row, UTF-8 BOM, the same total.
//
// Last year, not this one: the figures are compared across several page loads and downloads
// while other tests run alongside on the same database, and some of them book credits of this
// year (learner-journey closes a class, camp releases its marks). Last year is closed in the
// demo, and a closed year takes no new ledger entries, so its figures cannot move mid-test.
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { expect, test } from "@playwright/test";
import { expectNoHorizontalScroll, signIn } from "./helpers";

/** The credit year before the current one in Shanghai: closed in the demo, so it is frozen. */
const lastYear = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(Date.now())) - 1;

/** "1,234.5" or "1234.5" → centipoints. */
const centipoints = (text: string) => Math.round(Number(text.replace(/[^\d.-]/g, "")) * 100);

test("HR builds a credit report, drills down to a ledger entry and exports XLSX and CSV", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "hr");
  // The dashboard's charts, each with its data table.
  for (const id of ["completion", "distribution", "coverage", "trend", "months"]) await expect(page.getByTestId(`chart-${id}`).locator("table")).toBeVisible();
  await page.getByRole("link", { name: "学分报表" }).first().click();
  await expect(page).toHaveURL(/\/hr\/reports/);

  const form = page.locator("form.report-form");
  await form.getByLabel("起始年度").fill(String(lastYear));
  await form.getByLabel("截止年度").fill(String(lastYear));
  await form.getByLabel("第一分组").selectOption("unit");
  await form.getByLabel("第二分组（可选）").selectOption("postType");
  await form.locator('input[name="columns"][value="counted"]').check();
  await form.getByTestId("run-report").click();
  await expect(page).toHaveURL(new RegExp(`yearFrom=${lastYear}&yearTo=${lastYear}&.*groupBy=unit&groupBy=postType`));
  // The URL changes before the new report is on the page: the router renders the new data in
  // a React transition, which a busy machine finishes a while later. Until then the page still
  // shows the default report (this year, by street only), whose total must not be read. The
  // chosen column's total exists only in the new table.
  await expect(page.locator("#results-title")).toContainText(String(lastYear));
  await expect(page.getByTestId("total-counted")).toBeVisible();
  const table = page.getByTestId("report-table");
  await expect(table).toBeVisible();
  // Two groupings have their chart too (bars by street and post type), with its cross table.
  await expect(page.getByTestId("chart-report").locator("table")).toBeVisible();
  await expectNoHorizontalScroll(page);
  const totalText = await page.getByTestId("total-points").innerText();
  const total = centipoints(totalText);
  expect(total).toBeGreaterThan(0);

  // Save and share it; it is listed among the saved reports.
  const name = `街道岗位学分 ${Date.now()}`;
  const save = page.locator("form.report-save");
  await save.getByLabel("报表名称").fill(name);
  await save.getByLabel("与其他人事干部共享").check();
  await save.getByRole("button", { name: "保存当前报表" }).click();
  await expect(page.getByRole("status")).toContainText(name);
  await expect(page.getByTestId("saved-reports")).toContainText(name);

  // Drill down: the first group's people, then the top person's ledger entries.
  await table.locator("tbody tr").first().getByRole("link", { name: /查看人员/ }).click();
  await expect(page.getByTestId("page-title")).toHaveText("报表人员明细");
  const firstPerson = page.getByTestId("people-table").locator("tbody tr").first();
  const personPoints = centipoints(await firstPerson.locator("td").nth(5).innerText());
  expect(personPoints).toBeGreaterThan(0);
  await firstPerson.getByRole("link", { name: /学分记录/ }).click();
  await expect(page.getByTestId("page-title")).toContainText("的学分记录");
  const entries = page.getByTestId("ledger-entry");
  await expect(entries.first()).toBeVisible();
  expect(centipoints((await page.getByTestId("entries-total").innerText()).split("：")[1])).toBe(personPoints);
  await expect(entries.first().locator("code")).toHaveText(/\S+/);

  // Back to the report and export it.
  await page.getByRole("link", { name: "返回报表" }).click();
  await expect(page.getByTestId("report-table")).toBeVisible();
  const exportForm = page.locator("form.report-export");

  const xlsxDownload = page.waitForEvent("download");
  await exportForm.getByTestId("export-xlsx").click();
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  await expect(page.getByTestId("export-progress")).toContainText("下载完成");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(readFileSync(await xlsx.path())).buffer);
  const sheet = workbook.worksheets[0];
  expect(sheet.getRow(1).getCell(1).value).toBe("工号");
  expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const pointsColumn = header.indexOf("本报表学分") + 1;
  let xlsxTotal = 0;
  for (let r = 2; r <= sheet.rowCount; r++) xlsxTotal += Math.round(Number(sheet.getRow(r).getCell(pointsColumn).value) * 100);
  expect(xlsxTotal).toBe(total);

  const csvDownload = page.waitForEvent("download");
  await exportForm.getByTestId("export-csv").click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const text = readFileSync(await csv.path(), "utf8");
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [columns, ...rows] = Papa.parse<string[]>(text.slice(1).trimEnd()).data;
  expect(columns.slice(0, 2)).toEqual(["工号", "姓名"]);
  const at = columns.indexOf("本报表学分");
  expect(rows.reduce((sum, row) => sum + Math.round(Number(row[at]) * 100), 0)).toBe(total);
});
