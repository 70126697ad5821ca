// HR imports people end to end: the district officer uploads a GBK CSV as an HR system
// exports it, with mistakes (an unknown unit, an impossible grade, a duplicate employee
// number); the dry run names each one and the batch cannot be committed; the corrected file
// then goes through the dry run and the commit, the people appear in the people list and both
// batches are in the import history. Runs on the phone and the desktop (different numbers).
import { randomBytes } from "node:crypto";
import iconv from "iconv-lite";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const HEADER = "工号,姓名,单位,岗位类别,等级,入职日期,学历,社工证,性别";

async function upload(page: Page, name: string, text: string) {
  await page.goto("/hr/imports");
  await expect(page.getByTestId("page-title")).toHaveText("批量导入");
  await page.getByLabel("导入内容").selectOption("people");
  await page.getByLabel("文件", { exact: true }).setInputFiles({ name, mimeType: "text/csv", buffer: iconv.encode(text, "gbk") });
  await page.getByRole("button", { name: "上传并设置列" }).click();
  await expect(page).toHaveURL(/\/hr\/imports\/\d+$/);
  await expect(page.getByTestId("import-status")).toHaveText("已上传");
  // The columns were mapped from the Chinese headers of a GBK file.
  await expect(page.getByLabel("姓名 *")).toHaveValue("1");
  await expect(page.getByText("GBK，已转换为 UTF-8")).toBeVisible();
  await page.getByTestId("dry-run").click();
  await expect(page.getByTestId("import-status")).toHaveText("已试运行");
}

test("HR imports people: errors shown, fixed, committed", async ({ page }, testInfo) => {
  const tag = `${testInfo.project.name === "phone" ? "P" : "D"}${randomBytes(2).toString("hex").toUpperCase()}`;
  const no = (n: number) => `IM${tag}${n}`;
  await signIn(page, "hr");

  const withErrors = [
    HEADER,
    `${no(1)},导入一,CN-HY-01,工作人员,,2019-03-01,本科,社会工作师,女`,
    `${no(2)},导入二,CN-XX-99,主管,6,2015-07-01,大专,无,男`,
    `${no(3)},导入三,CN-HY-02,负责人,3,2012-09-01,硕士,,女`,
    `${no(1)},导入一重复,CN-HY-01,工作人员,2,2019-03-01,本科,,女`,
  ].join("\r\n");
  await upload(page, `人员-有错误-${tag}.csv`, withErrors);
  await expect(page.getByTestId("import-counts")).toContainText("有错误 3 行");
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("单位“CN-XX-99”不存在或不在你的管辖范围内");
  await expect(errors).toContainText("等级 3 不可能：head 岗位的等级范围是 7–18");
  await expect(errors).toContainText(`工号 ${no(1)} 在文件中重复（第 2 行已出现）`);
  await expect(page.getByTestId("commit-blocked")).toBeVisible();
  await expect(page.getByTestId("commit")).toHaveCount(0);
  const failedBatch = new URL(page.url()).pathname;

  // Fixed in the file and uploaded again.
  await page.getByRole("link", { name: "上传修正后的文件" }).click();
  const fixed = [
    HEADER,
    `${no(1)},导入一,CN-HY-01,工作人员,,2019-03-01,本科,社会工作师,女`,
    `${no(2)},导入二,CN-HY-01,主管,6,2015-07-01,大专,无,男`,
    `${no(3)},导入三,CN-HY-02,负责人,9,2012-09-01,硕士,,女`,
  ].join("\r\n");
  await upload(page, `人员-已修正-${tag}.csv`, fixed);
  await expect(page.getByTestId("import-counts")).toContainText("新增 3，更新 0，不变 0，有错误 0 行");
  await page.getByTestId("commit").click();
  await expect(page.getByTestId("import-status")).toHaveText("已提交");
  await expect(page.getByTestId("import-committed")).toContainText("新增 3");

  // The people are there, with the starting grade worked out for the one without a grade.
  await page.goto(`/hr/people?q=${no(1)}`);
  const row = page.getByRole("row", { name: new RegExp(no(1)) });
  await expect(row).toContainText("导入一");
  await expect(row.getByRole("cell").last()).toHaveText("3");

  // Both batches are in the history, with who and the counts; the failed one stays uncommitted.
  await page.goto("/hr/imports");
  const history = page.getByTestId("import-history");
  await expect(history.getByRole("row", { name: new RegExp(`人员-已修正-${tag}`) })).toContainText("已提交");
  await expect(history.getByRole("row", { name: new RegExp(`人员-有错误-${tag}`) })).toContainText("已试运行");
  await expect(history.getByRole("row", { name: new RegExp(`人员-已修正-${tag}`) })).toContainText("区委组织部 王敏");
  await page.goto(failedBatch);
  await expect(page.getByTestId("commit-blocked")).toBeVisible();
});

test("HR imports a new area, then people into it", async ({ page }, testInfo) => {
  const tag = `${testInfo.project.name === "phone" ? "P" : "D"}${randomBytes(2).toString("hex").toUpperCase()}`;
  const area = `CN-HY-U${tag}`;
  await signIn(page, "hr");
  await page.goto("/hr/imports");
  await page.getByLabel("导入内容").selectOption("units");
  // Administrators' policy: HR is not offered post types.
  await expect(page.getByLabel("导入内容").locator("option[value=postTypes]")).toHaveCount(0);
  const csv = ["单位编码,单位名称,英文名称,层级,上级单位编码", `${area},导入居民区${tag},Imported area ${tag},居民区,CN-HY`].join("\r\n");
  await page.getByLabel("文件", { exact: true }).setInputFiles({ name: `单位-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await page.getByRole("button", { name: "上传并设置列" }).click();
  await expect(page.getByTestId("import-status")).toHaveText("已上传");
  await expect(page.getByLabel("上级单位编码")).toHaveValue("4");
  await page.getByTestId("dry-run").click();
  await expect(page.getByTestId("import-counts")).toContainText("新增 1，更新 0，不变 0，有错误 0 行");
  await page.getByTestId("commit").click();
  await expect(page.getByTestId("import-status")).toHaveText("已提交");

  // The new area takes people at once.
  const people = [HEADER, `IU${tag}1,单位导入一,${area},工作人员,2,2020-03-01,本科,,女`].join("\r\n");
  await upload(page, `人员-新单位-${tag}.csv`, people);
  await expect(page.getByTestId("import-counts")).toContainText("新增 1，更新 0，不变 0，有错误 0 行");
});
