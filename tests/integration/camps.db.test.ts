// Camps, teams and projects called as Remix calls them (real Requests, real session cookies,
// the real database, real files under a temporary DATA_DIR): who may see a camp, the
// automatic split and moves with history, project versions with the late flag and the closed
// camp, attachments judged by content, and who may download them.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_ATTACHMENT_BYTES } from "~/camps/attachments.server";
import { movePerson } from "~/camps/camps.server";
import { submitProjectVersion } from "~/camps/projects.server";
import { CampError } from "~/camps/errors";
import { loader as overviewLoader, action as overviewAction } from "~/routes/trainer.camps.$campId._index";
import { action as teamsAction, loader as teamsLoader } from "~/routes/trainer.camps.$campId.teams";
import { loader as myCampLoader } from "~/routes/my.camp._index";
import { action as projectAction, loader as projectLoader } from "~/routes/my.camp.project";
import { loader as downloadLoader } from "~/routes/camps.attachments.$attachmentId";
import { db } from "~/utils/db.server";
import { makeUnitTree, makeUser } from "../support/factories";
import { makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../support/enrolment-fixtures";
import { BASE, formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

// Files go to a folder of this test file's own; set before anything reads the environment.
const dataDir = mkdtempSync(path.join(tmpdir(), "lane-camps-"));
process.env.DATA_DIR = dataDir;
const attachmentsDir = path.join(dataDir, "attachments");

type Params = Record<string, string>;
const args = (request: Request, params: Params = {}) => ({ request, params, context: {} });

type Learner = { personId: number; userId: number; cookie: string; name: string };
let fx: {
  campId: number;
  offeringId: number;
  briefId: number;
  lead: string;
  leadId: number;
  mentor: string;
  mentorId: number;
  judge: string;
  otherTrainer: string;
  hr: string;
  learners: Learner[];
  outsider: Learner;
};

/** Every regular file under the attachments folder (the incoming folder included). */
function filesOnDisk(dir = attachmentsDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesOnDisk(full) : [full];
  });
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "latin1");

function projectRequest(cookie: string, fields: Record<string, string>, files: { name: string; bytes: Buffer; type?: string }[] = [], extra: [string, string][] = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, v] of extra) form.append(k, v);
  for (const f of files) form.append("attachment", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/pdf" }), f.name);
  return new Request(`${BASE}/my/camp/project?brief=${fx.briefId}`, { method: "POST", body: form, headers: { Cookie: cookie } });
}

const PROJECT = { title: "楼道微更新", background: "老旧楼道堆物多", design: "居民议事会 + 志愿者清理", budget: "2 万元，街道出资", impact: "堆物减少八成" };

async function teamOf(personId: number) {
  const row = await db.teamMember.findFirst({ where: { personId, leftAt: null, team: { campId: fx.campId } }, select: { teamId: true } });
  return row?.teamId ?? null;
}

beforeAll(async () => {
  const tree = await makeUnitTree();
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue, { mode: "camp" });
  const offering = await makeOffering(course.id, tree.district.id);
  await makeSessions(offering.id, [210, 270, 210, 270, 210]);
  const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000 } });
  const lead = await makeUser("trainer");
  const mentor = await makeUser("trainer");
  const judge = await makeUser("trainer");
  await db.campStaff.createMany({
    data: [
      { campId: camp.id, userId: lead.id, role: "lead" },
      { campId: camp.id, userId: mentor.id, role: "mentor" },
      { campId: camp.id, userId: judge.id, role: "judge" },
    ],
  });
  const brief = await db.projectBrief.create({
    data: { campId: camp.id, title: "社区项目", description: "设计一个项目", dueAt: new Date("2099-01-01T00:00:00Z") },
  });
  const learners: Learner[] = [];
  for (let i = 0; i < 8; i++) {
    const { person, user } = await makeLearner(tree.streets[i % 2].areaId);
    const name = `学员${i + 1}`;
    await db.person.update({ where: { id: person.id }, data: { name } });
    await db.enrolment.create({ data: { offeringId: offering.id, personId: person.id, status: "enrolled" } });
    learners.push({ personId: person.id, userId: user!.id, cookie: await sessionCookieFor(user!.id), name });
  }
  const out = await makeLearner(tree.streets[0].areaId);
  fx = {
    campId: camp.id,
    offeringId: offering.id,
    briefId: brief.id,
    lead: await sessionCookieFor(lead.id),
    leadId: lead.id,
    mentor: await sessionCookieFor(mentor.id),
    mentorId: mentor.id,
    judge: await sessionCookieFor(judge.id),
    otherTrainer: await sessionCookieFor((await makeUser("trainer")).id),
    hr: await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.district.id })).id),
    learners,
    outsider: { personId: out.person.id, userId: out.user!.id, cookie: await sessionCookieFor(out.user!.id), name: "外人" },
  };
});

describe("who sees a camp", () => {
  it("its staff see the overview; other trainers, HR and learners get 403; an unknown camp 404", async () => {
    const path = `/trainer/camps/${fx.campId}`;
    for (const cookie of [fx.lead, fx.mentor, fx.judge]) {
      const response = await settle(() => overviewLoader(args(getRequest(path, cookie), { campId: String(fx.campId) })));
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
    const body = (await (await settle(() => overviewLoader(args(getRequest(path, fx.lead), { campId: String(fx.campId) })))).json()) as {
      days: { sessions: unknown[] }[];
      participants: unknown[];
    };
    expect(body.days).toHaveLength(5);
    expect(body.participants).toHaveLength(8);
    for (const cookie of [fx.otherTrainer, fx.hr, fx.learners[0].cookie]) {
      expect((await settle(() => overviewLoader(args(getRequest(path, cookie), { campId: String(fx.campId) })))).status).toBe(403);
      expect((await settle(() => teamsLoader(args(getRequest(`${path}/teams`, cookie), { campId: String(fx.campId) })))).status).toBe(403);
    }
    expect((await settle(() => overviewLoader(args(getRequest("/trainer/camps/999999", fx.lead), { campId: "999999" })))).status).toBe(404);
  });

  it("a judge may look at the teams but not change them", async () => {
    const request = formRequest(`/trainer/camps/${fx.campId}/teams`, { intent: "split", teamCount: "4" }, fx.judge);
    expect((await settle(() => teamsAction(args(request, { campId: String(fx.campId) })))).status).toBe(403);
    expect(await db.team.count({ where: { campId: fx.campId } })).toBe(0);
  });

  it("a learner of the camp sees their camp; someone else sees none", async () => {
    const mine = (await (await settle(() => myCampLoader(args(getRequest("/my/camp", fx.learners[0].cookie))))).json()) as { camp: { briefs: unknown[] } | null };
    expect(mine.camp?.briefs).toHaveLength(1);
    const theirs = (await (await settle(() => myCampLoader(args(getRequest("/my/camp", fx.outsider.cookie))))).json()) as { camp: unknown };
    expect(theirs.camp).toBeNull();
  });
});

describe("teams", () => {
  it("splits automatically into balanced teams, keeps each area's people apart, and a re-run changes nobody", async () => {
    const request = formRequest(`/trainer/camps/${fx.campId}/teams`, { intent: "split", teamCount: "4" }, fx.lead);
    const response = await settle(() => teamsAction(args(request, { campId: String(fx.campId) })));
    expect(response.status).toBe(200);
    const teams = await db.team.findMany({
      where: { campId: fx.campId },
      select: { members: { where: { leftAt: null }, select: { person: { select: { unitId: true } } } } },
    });
    expect(teams.map((t) => t.members.length)).toEqual([2, 2, 2, 2]);
    // Two areas of four people each, four teams: one of each area per team.
    for (const team of teams) expect(new Set(team.members.map((m) => m.person.unitId)).size).toBe(2);

    const rowsBefore = await db.teamMember.count();
    const again = await settle(() => teamsAction(args(formRequest(`/trainer/camps/${fx.campId}/teams`, { intent: "split", teamCount: "4" }, fx.lead), { campId: String(fx.campId) })));
    expect(again.status).toBe(200);
    expect(await db.teamMember.count()).toBe(rowsBefore);
  });

  it("assigns a mentor from the camp's staff only", async () => {
    const team = await db.team.findFirstOrThrow({ where: { campId: fx.campId }, orderBy: { id: "asc" } });
    const path = `/trainer/camps/${fx.campId}/teams`;
    const ok = await settle(() => teamsAction(args(formRequest(path, { intent: "mentor", teamId: String(team.id), mentorUserId: String(fx.mentorId) }, fx.lead), { campId: String(fx.campId) })));
    expect(ok.status).toBe(200);
    expect((await db.team.findUniqueOrThrow({ where: { id: team.id } })).mentorUserId).toBe(fx.mentorId);
    const stranger = await makeUser("trainer");
    const refused = await settle(() => teamsAction(args(formRequest(path, { intent: "mentor", teamId: String(team.id), mentorUserId: String(stranger.id) }, fx.lead), { campId: String(fx.campId) })));
    expect(refused.status).toBe(409);
    expect((await db.team.findUniqueOrThrow({ where: { id: team.id } })).mentorUserId).toBe(fx.mentorId);
  });

  it("moves a person with a reason, closing the old membership and keeping it", async () => {
    const person = fx.learners[0];
    const from = (await teamOf(person.personId))!;
    const to = (await db.team.findFirstOrThrow({ where: { campId: fx.campId, id: { not: from } }, orderBy: { id: "asc" } })).id;
    const path = `/trainer/camps/${fx.campId}/teams`;
    const noReason = await settle(() => teamsAction(args(formRequest(path, { intent: "move", personId: String(person.personId), teamId: String(to) }, fx.mentor), { campId: String(fx.campId) })));
    expect(noReason.status).toBe(409);
    expect(((await noReason.json()) as { fieldErrors: Record<string, string> }).fieldErrors.reason).toBe("camps.errors.reasonRequired");
    expect(await teamOf(person.personId)).toBe(from);

    const moved = await settle(() =>
      teamsAction(args(formRequest(path, { intent: "move", personId: String(person.personId), teamId: String(to), reason: "互补专长" }, fx.mentor), { campId: String(fx.campId) })),
    );
    expect(moved.status).toBe(200);
    expect(await teamOf(person.personId)).toBe(to);
    const history = await db.teamMember.findMany({ where: { personId: person.personId }, orderBy: { id: "asc" } });
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ teamId: from, reason: "互补专长" });
    expect(history[0].leftAt).not.toBeNull();
    expect(history[1]).toMatchObject({ teamId: to, leftAt: null });
    expect(await db.auditEvent.count({ where: { action: "camp.team.moved", personId: person.personId } })).toBe(1);

    // Back again: a third row; the first two stay as they were.
    await settle(() => teamsAction(args(formRequest(path, { intent: "move", personId: String(person.personId), teamId: String(from), reason: "回原组" }, fx.lead), { campId: String(fx.campId) })));
    const after = await db.teamMember.findMany({ where: { personId: person.personId }, orderBy: { id: "asc" } });
    expect(after).toHaveLength(3);
    expect(after.filter((r) => r.leftAt === null)).toHaveLength(1);
    expect(after[0]).toEqual(history[0]);
    expect(await teamOf(person.personId)).toBe(from);

    // Not a participant: refused.
    const outsider = await settle(() =>
      teamsAction(args(formRequest(path, { intent: "move", personId: String(fx.outsider.personId), teamId: String(to), reason: "x" }, fx.lead), { campId: String(fx.campId) })),
    );
    expect(outsider.status).toBe(409);
  });
  it("two organisers moving the same person at once leave exactly one open membership", async () => {
    const person = fx.learners[3];
    const from = (await teamOf(person.personId))!;
    const targets = (await db.team.findMany({ where: { campId: fx.campId, id: { not: from } }, orderBy: { id: "asc" }, take: 2 })).map((t) => t.id);
    const rowsBefore = await db.teamMember.count({ where: { personId: person.personId } });
    const results = await Promise.allSettled(
      targets.map((teamId, i) => movePerson({ campId: fx.campId, personId: person.personId, toTeamId: teamId, reason: `并发 ${i}`, actorId: fx.leadId })),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const rows = await db.teamMember.findMany({ where: { personId: person.personId }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(rowsBefore + 2);
    expect(rows.filter((r) => r.leftAt === null)).toHaveLength(1);
  });
});

describe("projects", () => {
  it("every submission is a new version; revisions never change earlier ones", async () => {
    const me = fx.learners[0];
    const first = await settle(() => projectAction(args(projectRequest(me.cookie, PROJECT))));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ ok: true, versionNo: 1, late: false });
    const second = await settle(() => projectAction(args(projectRequest(me.cookie, { ...PROJECT, budget: "1.5 万元" }))));
    expect(await second.json()).toMatchObject({ ok: true, versionNo: 2 });

    const teamId = (await teamOf(me.personId))!;
    const project = await db.project.findUniqueOrThrow({
      where: { teamId_briefId: { teamId, briefId: fx.briefId } },
      select: { versions: { orderBy: { versionNo: "asc" }, select: { versionNo: true, budget: true, submittedById: true } } },
    });
    expect(project.versions).toEqual([
      { versionNo: 1, budget: PROJECT.budget, submittedById: me.userId },
      { versionNo: 2, budget: "1.5 万元", submittedById: me.userId },
    ]);

    // A team-mate sees the project; the page is personal.
    const mate = fx.learners.find((l) => l !== me && l.personId !== me.personId)!;
    const mateTeam = await teamOf(mate.personId);
    const page = await settle(() => projectLoader(args(getRequest(`/my/camp/project?brief=${fx.briefId}`, me.cookie))));
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    const data = (await page.json()) as { project: { versions: unknown[] } | null };
    expect(data.project?.versions).toHaveLength(2);
    // Someone in another team sees only their own (empty) project, never this one.
    if (mateTeam !== teamId) {
      const other = (await (await settle(() => projectLoader(args(getRequest(`/my/camp/project?brief=${fx.briefId}`, mate.cookie))))).json()) as {
        project: unknown;
      };
      expect(other.project).toBeNull();
    }
  });

  it("flags a submission after the due time as late, and refuses every submission once the camp is closed", async () => {
    const me = fx.learners[1];
    const brief = await db.projectBrief.create({ data: { campId: fx.campId, title: "限时任务", dueAt: new Date("2026-03-14T02:00:00Z") } });
    const base = { personId: me.personId, userId: me.userId, briefId: brief.id, title: "t", parts: { background: "b", design: "d", budget: "b", impact: "i" }, keepAttachmentIds: [], files: [] };
    expect(await submitProjectVersion({ ...base, now: new Date("2026-03-14T01:59:59Z") })).toMatchObject({ versionNo: 1, late: false });
    expect(await submitProjectVersion({ ...base, now: new Date("2026-03-14T02:00:01Z") })).toMatchObject({ versionNo: 2, late: true });

    // The lead closes the camp from its page (a mentor may not; a reason is required).
    const campPath = `/trainer/camps/${fx.campId}`;
    const status = (intent: string, reason: string, cookie: string) => settle(() => overviewAction(args(formRequest(campPath, { intent, reason }, cookie), { campId: String(fx.campId) })));
    expect((await status("close", "结营", fx.mentor)).status).toBe(403);
    expect((await status("close", " ", fx.lead)).status).toBe(400);
    expect((await db.camp.findUniqueOrThrow({ where: { id: fx.campId } })).status).toBe("open");
    expect((await status("close", "结营", fx.lead)).status).toBe(200);
    try {
      expect((await db.camp.findUniqueOrThrow({ where: { id: fx.campId } })).status).toBe("closed");
      expect(await db.auditEvent.findFirst({ where: { action: "camp.closed", entityId: String(fx.campId) }, select: { actorId: true, reason: true, before: true, after: true } })).toEqual({
        actorId: fx.leadId,
        reason: "结营",
        before: JSON.stringify({ status: "open" }),
        after: JSON.stringify({ status: "closed" }),
      });
      const again = await status("close", "再次", fx.lead);
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { key: "camps.errors.campClosed" } });
      await expect(submitProjectVersion({ ...base, now: new Date("2026-03-14T03:00:00Z") })).rejects.toMatchObject({ code: "camps.errors.campClosed" });
      const response = await settle(() => projectAction(args(projectRequest(me.cookie, PROJECT))));
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ ok: false, error: { key: "camps.errors.campClosed" } });
      // Team changes are refused too.
      await expect(movePerson({ campId: fx.campId, personId: me.personId, toTeamId: (await teamOf(fx.learners[0].personId))!, reason: "x", actorId: fx.leadId })).rejects.toMatchObject({ code: "camps.errors.campClosed" });
    } finally {
      expect((await status("reopen", "补交材料", fx.lead)).status).toBe(200);
    }
    expect((await db.camp.findUniqueOrThrow({ where: { id: fx.campId } })).status).toBe("open");
    expect(await db.projectVersion.count({ where: { project: { briefId: brief.id } } })).toBe(2);
  });

  it("only current members of a team may submit", async () => {
    await expect(
      submitProjectVersion({
        personId: fx.outsider.personId,
        userId: fx.outsider.userId,
        briefId: fx.briefId,
        title: "x",
        parts: { background: "b", design: "d", budget: "b", impact: "i" },
        keepAttachmentIds: [],
        files: [],
      }),
    ).rejects.toBeInstanceOf(CampError);
    // The outsider has no camp: the project page does not exist for them.
    expect((await settle(() => projectLoader(args(getRequest(`/my/camp/project?brief=${fx.briefId}`, fx.outsider.cookie))))).status).toBe(404);
  });
});

describe("attachments", () => {
  it("refuses a text file named .pdf and writes nothing", async () => {
    const me = fx.learners[2];
    const before = await db.projectVersion.count();
    const filesBefore = filesOnDisk().length;
    const response = await settle(() =>
      projectAction(args(projectRequest(me.cookie, PROJECT, [{ name: "方案.pdf", bytes: Buffer.from("just some text, not a PDF\n"), type: "application/pdf" }]))),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { key: "camps.errors.fileType", params: { name: "方案.pdf" } } });
    expect(await db.projectVersion.count()).toBe(before);
    expect(filesOnDisk()).toHaveLength(filesBefore);
  });

  it("refuses a file over 20 MB and writes nothing", async () => {
    const me = fx.learners[2];
    const before = await db.attachment.count();
    const filesBefore = filesOnDisk().length;
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x20);
    PDF.copy(big);
    const response = await settle(() => projectAction(args(projectRequest(me.cookie, PROJECT, [{ name: "big.pdf", bytes: big }]))));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { key: "camps.errors.fileTooLarge" } });
    expect(await db.attachment.count()).toBe(before);
    expect(filesOnDisk()).toHaveLength(filesBefore);
  });

  it("accepts a real PDF, keeps it under a random name with its hash, and carries it into the next version", async () => {
    const me = fx.learners[2];
    const response = await settle(() => projectAction(args(projectRequest(me.cookie, PROJECT, [{ name: "项目书 v1.pdf", bytes: PDF, type: "text/plain" }]))));
    expect(response.status).toBe(200);
    const attachment = await db.attachment.findFirstOrThrow({ where: { originalName: "项目书 v1.pdf" } });
    expect(attachment).toMatchObject({ mimeType: "application/pdf", sizeBytes: PDF.length, sha256: createHash("sha256").update(PDF).digest("hex") });
    expect(attachment.storedName).toMatch(/^[0-9a-f]{32}$/);
    expect(existsSync(path.join(attachmentsDir, attachment.storedName))).toBe(true);
    expect(filesOnDisk().filter((f) => f.includes(".incoming"))).toEqual([]);

    const next = await settle(() => projectAction(args(projectRequest(me.cookie, PROJECT, [], [["keep", String(attachment.id)]]))));
    expect(next.status).toBe(200);
    const copies = await db.attachment.findMany({ where: { originalName: "项目书 v1.pdf" }, orderBy: { id: "asc" } });
    expect(copies).toHaveLength(2);
    expect(copies[1].projectVersionId).not.toBe(copies[0].projectVersionId);
    expect(copies[1].storedName).not.toBe(copies[0].storedName);
    expect(copies[1].sha256).toBe(copies[0].sha256);
  });

  it("downloads for the team's members and the camp's staff only, under the original name", async () => {
    const owner = fx.learners[2];
    const attachment = await db.attachment.findFirstOrThrow({ where: { originalName: "项目书 v1.pdf" } });
    const url = `/camps/attachments/${attachment.id}`;
    const params = { attachmentId: String(attachment.id) };
    const ownerTeam = await teamOf(owner.personId);

    const mine = await settle(() => downloadLoader(args(getRequest(url, owner.cookie), params)));
    expect(mine.status).toBe(200);
    expect(mine.headers.get("Content-Type")).toBe("application/pdf");
    expect(mine.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(mine.headers.get("Content-Disposition")).toBe(
      `attachment; filename="___ v1.pdf"; filename*=UTF-8''${encodeURIComponent("项目书 v1.pdf")}`,
    );
    expect(Buffer.from(await mine.arrayBuffer()).equals(PDF)).toBe(true);

    for (const cookie of [fx.lead, fx.judge]) expect((await settle(() => downloadLoader(args(getRequest(url, cookie), params)))).status).toBe(200);

    const others = [];
    for (const l of fx.learners) if ((await teamOf(l.personId)) !== ownerTeam) others.push(l);
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect((await settle(() => downloadLoader(args(getRequest(url, l.cookie), params)))).status).toBe(403);
    for (const cookie of [fx.outsider.cookie, fx.otherTrainer, fx.hr]) {
      expect((await settle(() => downloadLoader(args(getRequest(url, cookie), params)))).status).toBe(403);
    }
    expect((await settle(() => downloadLoader(args(getRequest("/camps/attachments/999999", owner.cookie), { attachmentId: "999999" })))).status).toBe(404);
  });

  it("a brief can be published by the lead, not by a judge", async () => {
    const path = `/trainer/camps/${fx.campId}`;
    const fields = { intent: "add-brief", title: "路演材料", description: "", dueAt: "2099-03-01T18:00" };
    expect((await settle(() => overviewAction(args(formRequest(path, fields, fx.judge), { campId: String(fx.campId) })))).status).toBe(403);
    expect((await settle(() => overviewAction(args(formRequest(path, fields, fx.lead), { campId: String(fx.campId) })))).status).toBe(200);
    const brief = await db.projectBrief.findFirstOrThrow({ where: { title: "路演材料" } });
    expect(brief.dueAt.toISOString()).toBe("2099-03-01T10:00:00.000Z");
  });
});

describe("the lead's settings and staff", () => {
  const post = (fields: Record<string, string>, cookie: string) =>
    settle(() => overviewAction(args(formRequest(`/trainer/camps/${fx.campId}`, fields, cookie), { campId: String(fx.campId) })));
  const settingsOf = () => db.camp.findUniqueOrThrow({ where: { id: fx.campId }, select: { passMark: true, markersPerProject: true, moderationThresholdPct: true, blindMarking: true } });

  it("sets the marking rules (lead only, validated, audited) and fixes them once marking starts", async () => {
    const before = await settingsOf();
    const rules = { intent: "settings", passMark: "65.5", markersPerProject: "3", moderationThresholdPct: "20" }; // blind marking unticked
    expect((await post(rules, fx.mentor)).status).toBe(403);
    const bad = await post({ ...rules, passMark: "101", markersPerProject: "1" }, fx.lead);
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { fieldErrors: Record<string, string> }).fieldErrors).sort()).toEqual(["markersPerProject", "passMark"]);
    expect(await settingsOf()).toEqual(before);

    expect((await post(rules, fx.lead)).status).toBe(200);
    expect(await settingsOf()).toEqual({ passMark: 6550, markersPerProject: 3, moderationThresholdPct: 20, blindMarking: false });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "camp.settings_changed", entityId: String(fx.campId) }, orderBy: { id: "desc" } });
    expect(JSON.parse(audit.after!)).toEqual({ passMark: 6550, markersPerProject: 3, moderationThresholdPct: 20, blindMarking: false });
    expect(JSON.parse(audit.before!)).toMatchObject({ passMark: before.passMark, blindMarking: before.blindMarking });

    // A first mark (a draft is enough) fixes how marking works; the pass mark may still change.
    const team = await db.team.create({ data: { campId: fx.campId, name: "规则测试组" } });
    const brief = await db.projectBrief.findFirstOrThrow({ where: { campId: fx.campId } });
    const project = await db.project.create({ data: { teamId: team.id, briefId: brief.id, title: "规则测试" } });
    await db.mark.create({ data: { projectId: project.id, markerId: fx.mentorId } });
    const refused = await post({ ...rules, blindMarking: "on" }, fx.lead);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { key: "camps.errors.markingStarted" } });
    expect((await post({ ...rules, passMark: "60" }, fx.lead)).status).toBe(200);
    expect((await settingsOf()).passMark).toBe(6000);
  });

  it("adds mentors and judges from the enabled trainer accounts, and removes only those who have not marked or mentored", async () => {
    const guest = await makeUser("trainer");
    const hrUser = await makeUser("hr");
    const add = (userId: number, role = "judge") => post({ intent: "staff-add", userId: String(userId), role }, fx.lead);
    expect((await post({ intent: "staff-add", userId: String(guest.id), role: "judge" }, fx.judge)).status).toBe(403);
    expect((await add(guest.id, "lead")).status).toBe(400); // a second lead is not a choice
    expect((await add(guest.id)).status).toBe(200);
    expect(await db.campStaff.findUnique({ where: { campId_userId: { campId: fx.campId, userId: guest.id } }, select: { role: true } })).toEqual({ role: "judge" });
    expect(await (await add(guest.id)).json()).toMatchObject({ error: { key: "camps.errors.alreadyStaff" } });
    expect(await (await add(hrUser.id)).json()).toMatchObject({ error: { key: "camps.errors.staffNotTrainer" } });

    const remove = (userId: number, reason = "日程冲突") => post({ intent: "staff-remove", userId: String(userId), reason }, fx.lead);
    expect((await remove(guest.id, " ")).status).toBe(400);
    // The mentor has a mark (previous test): their marks stay part of the history.
    expect(await (await remove(fx.mentorId)).json()).toMatchObject({ error: { key: "camps.errors.staffInUse" } });
    expect(await (await remove(fx.leadId)).json()).toMatchObject({ error: { key: "camps.errors.notAllowed" } });
    expect((await remove(guest.id)).status).toBe(200);
    expect(await db.campStaff.count({ where: { campId: fx.campId, userId: guest.id } })).toBe(0);
    expect(await db.auditEvent.findFirst({ where: { action: "camp.staff_removed", entityId: String(fx.campId) }, select: { actorId: true, reason: true } })).toEqual({ actorId: fx.leadId, reason: "日程冲突" });
  });
});
