// The learners' journey, end to end, on a phone: a secretary finds a level-2 class for
// 群众工作 in the catalogue, enrols, checks in with the code the trainer shows, the trainer
// closes the class, and the points appear on My learning and in the transcript (the ledger).
//
// The class is made for this test directly in the e2e database (the demo's classes have fixed
// dates); "the class has ended" is likewise a direct update, standing in for the passing of
// two hours.
import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

const E2E_DB = path.resolve("tests/.tmp/e2e/lane.db");
const COURSE_CODE = "CN-L2-04"; // 旧区改造与加装电梯群众工作: level 骨干, develops 群众工作
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function createClass(projectName: string) {
  const db = new Database(E2E_DB);
  try {
    const course = db.prepare(`SELECT id, titleZh, creditPoints FROM "Course" WHERE code = ?`).get(COURSE_CODE) as {
      id: number;
      titleZh: string;
      creditPoints: number;
    };
    const trainer = db.prepare(`SELECT id FROM "User" WHERE username = 'trainer'`).get() as { id: number };
    const street = db.prepare(`SELECT id FROM "Unit" WHERE kind = 'street' ORDER BY id LIMIT 1`).get() as { id: number };
    const now = Date.now();
    const code = `E2E-${projectName}-${now}`;
    const year = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(now));
    const offering = db
      .prepare(
        `INSERT INTO "Offering" (code, courseId, hostUnitId, trainerId, venue, capacity, seatsTaken, waitlistSeq,
           enrolOpensAt, enrolClosesAt, withdrawDeadline, startsAt, endsAt, needsApproval, status, creditYear, createdAt, updatedAt)
         VALUES (?, ?, ?, ?, '华阳路街道社区党群服务中心', 20, 0, 0, ?, ?, ?, ?, ?, 0, 'published', ?, ?, ?)`,
      )
      .run(code, course.id, street.id, trainer.id, iso(now - 86_400_000), iso(now + 3_600_000), iso(now + 3_600_000),
        iso(now - 10 * 60_000), iso(now + 2 * 3_600_000), year, iso(now), iso(now));
    const session = db
      .prepare(
        `INSERT INTO "ClassSession" (offeringId, title, startsAt, endsAt, venue, checkinSecret) VALUES (?, '第一讲', ?, ?, '', ?)`,
      )
      .run(offering.lastInsertRowid, iso(now - 10 * 60_000), iso(now + 2 * 3_600_000), randomBytes(16).toString("hex"));
    return { code, offeringId: Number(offering.lastInsertRowid), sessionId: Number(session.lastInsertRowid), course };
  } finally {
    db.close();
  }
}

function endClass(offeringId: number, sessionId: number) {
  const db = new Database(E2E_DB);
  try {
    const past = iso(Date.now() - 60_000);
    db.prepare(`UPDATE "ClassSession" SET endsAt = ? WHERE id = ?`).run(past, sessionId);
    db.prepare(`UPDATE "Offering" SET endsAt = ? WHERE id = ?`).run(past, offeringId);
  } finally {
    db.close();
  }
}

test("a secretary finds a level-2 群众工作 class, enrols, checks in, completes and sees the points", async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "the journey is the phone's; the desktop runs the other tests");
  test.setTimeout(90_000);
  const { code, offeringId, sessionId, course } = createClass(testInfo.project.name);
  const points = `${course.creditPoints / 100} 分`;

  // 1. Find the class in the catalogue by competency and level.
  await signIn(page, "secretary");
  await page.getByRole("link", { name: "课程目录" }).first().click();
  await page.locator("summary", { hasText: "筛选" }).click();
  await page.getByLabel("素养").selectOption({ label: "群众工作" });
  await page.getByLabel("层次").selectOption({ label: "骨干" });
  await page.getByRole("button", { name: "查看结果" }).click();
  await page.getByRole("link", { name: course.titleZh }).click();
  await expect(page.getByTestId("page-title")).toHaveText(course.titleZh);

  // 2. Enrol in this class.
  const card = page.locator("li.class-card", { hasText: code });
  await card.getByRole("button", { name: "报名" }).click();
  await expect(card.getByTestId(`learner-${offeringId}`)).toContainText("已报名");

  // 3. The trainer shows the rotating check-in code.
  const trainerContext = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const trainer = await trainerContext.newPage();
  await signIn(trainer, "trainer");
  await trainer.goto(`/trainer/classes/${offeringId}`);
  await trainer.getByRole("link", { name: "点名" }).first().click();
  await expect(trainer).toHaveURL(new RegExp(`/trainer/sessions/${sessionId}$`));
  const shown = (await trainer.locator(".checkin-code").innerText()).replace(/\s/g, "");
  expect(shown).toMatch(/^[A-Z2-9]{6}$/);

  // 4. The secretary checks in with it.
  await page.getByRole("link", { name: "签到" }).first().click();
  await page.getByLabel("签到码").fill(shown);
  await page.getByRole("button", { name: "签到", exact: true }).click();
  await expect(page.getByRole("status")).toBeVisible();

  // 5. The class ends; the trainer closes it and completions are decided.
  endClass(offeringId, sessionId);
  await trainer.goto(`/trainer/classes/${offeringId}`);
  await trainer.getByRole("button", { name: "结束本班，评定结业" }).click();
  await expect(trainer.getByRole("status")).toContainText("1 人结业");
  await trainerContext.close();

  // 6. The points are on My learning and in the transcript, traced to the class.
  await page.getByRole("link", { name: "我的学习" }).first().click();
  await expect(page.getByText(course.titleZh).first()).toBeVisible();
  await expect(page.getByText(`+${points}`).first()).toBeVisible();
  await page.getByRole("link", { name: /学习档案/ }).first().click();
  await expect(page).toHaveURL(/\/my\/transcript$/);
  // The newest ledger entry is this class's completion, for the course's credit value.
  const entry = page.getByTestId("entry").filter({ hasText: course.titleZh }).first();
  await expect(entry).toBeVisible();
  await expect(entry.locator(".amount")).toHaveText(`+${course.creditPoints / 100}`);
});
