// PDF documents end to end on the demo: the secretary downloads a verifiable transcript from
// their transcript page and a stranger's browser (no session) confirms it at the printed
// address; HR exports an area's transcripts as a ZIP and watches the progress count up to the
// total.
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { pdfText, zipEntries } from "../support/pdf";
import { signIn } from "./helpers";

// Reading the PDF with pdf.js and a second browser context take a while on a busy 2-core machine.
test.describe.configure({ timeout: 90_000 });

test("a learner's transcript PDF carries a code that the public page confirms", async ({ page, browser }) => {
  await signIn(page, "secretary");
  await page.goto("/my/transcript");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "下载学分证明（PDF，含核验码）" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^transcript-.*\.pdf$/);
  const bytes = await readFile((await download.path())!);
  const { text } = await pdfText(bytes);
  expect(text).toContain("学分证明");
  const url = /https?:\/\/\S+\/verify\/([0-9A-Z]{24})/.exec(text.replace(/\s+/g, ""));
  expect(url, "the verification address is printed").not.toBeNull();

  // Someone holding the paper: no session at all.
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(`/verify/${url![1]}`);
  await expect(visitor.getByTestId("verify-status")).toContainText("有效");
  const facts = visitor.getByTestId("verify-facts");
  await expect(facts).toBeVisible();
  const name = /姓名\s*(\S+)/.exec(text)?.[1];
  if (name) await expect(facts).toContainText(name);
  await expect(visitor.getByTestId("verify-years").locator("tbody tr").first()).toBeVisible();

  await visitor.goto("/verify/ABCDEFGHJKMNPQRSTVWXYZ01");
  await expect(visitor.getByTestId("page-title")).toHaveText("核验码无效");
  await stranger.close();
});

test("HR exports an area's transcripts as one ZIP with a progress count", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === "phone", "the export is a desk task; the phone run covers the learner");
  await signIn(page, "hr");
  await page.goto("/hr/transcripts");
  // Units are listed by their place in the tree: district, first street, its first area…
  await page.locator('select[name="unitId"]').selectOption({ index: 2 });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "生成并下载 ZIP" }).click()]);
  await expect(page.getByTestId("zip-progress")).toContainText("已完成");
  const total = Number(/已完成：(\d+)/.exec((await page.getByTestId("zip-progress").textContent()) ?? "")?.[1]);
  expect(total).toBeGreaterThan(0);
  const entries = await zipEntries(await readFile((await download.path())!));
  expect(entries).toHaveLength(total);
  expect(entries.every((e) => e.name.endsWith(".pdf") && e.data.subarray(0, 5).toString("latin1") === "%PDF-")).toBe(true);
});
