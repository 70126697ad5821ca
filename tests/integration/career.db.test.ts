import { beforeAll, describe, expect, it } from "vitest";
import { shanghaiNewYear } from "~/career/ladder";
import { translator } from "~/i18n/i18n";
import { action as appraisalsAction, loader as appraisalsLoader } from "~/routes/hr.appraisals";
import { action as ladderAction, loader as ladderLoader } from "~/routes/admin.ladder";
import { action as roundsAction, loader as roundsLoader } from "~/routes/hr.promotions._index";
import { action as roundAction, loader as roundLoader } from "~/routes/hr.promotions.$year";
import { db } from "~/utils/db.server";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { formRequest, getRequest, sessionCookieFor, settle } from "../support/requests";

let tree: Awaited<ReturnType<typeof makeUnitTree>>;
let streetPeople: { id: number }[];
let streetHr: string;
let otherStreetHr: string;
let districtHr: string;
let admin: string;
let trainer: string;
let learner: string;

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const en = translator("en");

/** 2024: a one-point requirement (no in-person minimum, no competencies), so a test decides who meets it. */
const QUOTA_YEAR = 2024;

async function givePoints(personId: number, year: number, amount: number) {
  await db.ledgerEntry.create({
    data: { personId, creditYear: year, amount, category: "in_person", sourceType: "import", sourceKey: `test:${personId}:${year}` },
  });
}

beforeAll(async () => {
  tree = await makeUnitTree();
  await db.creditPolicy.create({
    data: {
      year: QUOTA_YEAR,
      version: 1,
      rules: JSON.stringify({ requiredPoints: 100, minInPersonPoints: 0, minCompetencies: 0, rolloverCapPoints: 0 }),
    },
  });
  streetPeople = [];
  for (let i = 0; i < 25; i++) {
    const person = await makePerson(tree.streets[0].areaId, { name: `甲${i}` });
    await givePoints(person.id, QUOTA_YEAR, 100);
    streetPeople.push(person);
  }
  streetHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.streets[0].id })).id);
  otherStreetHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.streets[1].id })).id);
  districtHr = await sessionCookieFor((await makeUser("hr", { scopeUnitId: tree.district.id })).id);
  admin = await sessionCookieFor((await makeUser("admin")).id);
  trainer = await sessionCookieFor((await makeUser("trainer")).id);
  const learnerPerson = await makePerson(tree.streets[1].areaId);
  learner = await sessionCookieFor((await makeUser("learner", { personId: learnerPerson.id })).id);
});

function bulk(cookie: string, streetId: number, year: number, ratings: Record<number, string>, reason = "") {
  const fields: Record<string, string> = { intent: "bulk", year: String(year), streetId: String(streetId), reason };
  for (const [id, rating] of Object.entries(ratings)) fields[`rating.${id}`] = rating;
  return settle(() => appraisalsAction(args(formRequest("/hr/appraisals", fields, cookie))));
}

function one(cookie: string, streetId: number, year: number, personId: number, rating: string, reason = "") {
  return settle(() =>
    appraisalsAction(
      args(
        formRequest(
          "/hr/appraisals",
          { intent: "one", year: String(year), streetId: String(streetId), personId: String(personId), rating, reason },
          cookie,
        ),
      ),
    ),
  );
}

describe("/hr/appraisals", () => {
  it("caps 优秀 at a fifth of the street: a 6th excellent among 25 is refused with the cap and the count", async () => {
    const ratings: Record<number, string> = {};
    streetPeople.forEach((p, i) => (ratings[p.id] = i < 5 ? "excellent" : "pass"));
    const saved = await bulk(streetHr, tree.streets[0].id, QUOTA_YEAR, ratings);
    expect(saved.status).toBe(200);
    expect((await saved.json()).notice).toEqual({ key: "career.appraisals.saved", params: { created: 25, changed: 0 } });
    expect(await db.appraisal.count({ where: { year: QUOTA_YEAR, rating: "excellent" } })).toBe(5);

    const sixth = await one(streetHr, tree.streets[0].id, QUOTA_YEAR, streetPeople[5].id, "excellent", "outstanding year");
    expect(sixth.status).toBe(409);
    const body = await sixth.json();
    expect(body.error).toEqual({ key: "career.errors.excellentQuota", params: { count: 6, cap: 5, headcount: 25, percent: 20 } });
    expect(en(body.error.key, body.error.params)).toBe(
      "The excellent quota is full: 25 active people in this street at 20% allow at most 5; this save would make 6.",
    );
    expect((await db.appraisal.findUniqueOrThrow({ where: { personId_year: { personId: streetPeople[5].id, year: QUOTA_YEAR } } })).rating).toBe("pass");

    // Swapping within the cap in one save is fine: one excellent down, another up.
    const swap = await bulk(
      streetHr,
      tree.streets[0].id,
      QUOTA_YEAR,
      { [streetPeople[0].id]: "pass", [streetPeople[5].id]: "excellent" },
      "swap after review",
    );
    expect(swap.status).toBe(200);
    expect(await db.appraisal.count({ where: { year: QUOTA_YEAR, rating: "excellent" } })).toBe(5);
  });

  it("shows each person's credit status beside the rating, and the quota", async () => {
    const response = await settle(() =>
      appraisalsLoader(args(getRequest(`/hr/appraisals?year=${QUOTA_YEAR}&unit=${tree.streets[0].id}`, streetHr))),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    expect(body.sheet).toMatchObject({ headcount: 25, cap: 5, excellentCount: 5 });
    expect(body.sheet.people[0].credit).toMatchObject({ counted: 100, required: 100, met: true });
  });

  it("refuses 优秀 when the credit requirement is unmet, naming the figures", async () => {
    const newcomer = await makePerson(tree.streets[1].areaId, { name: "乙新人" });
    const refused = await one(otherStreetHr, tree.streets[1].id, QUOTA_YEAR, newcomer.id, "excellent");
    expect(refused.status).toBe(409);
    const body = await refused.json();
    expect(body.error).toEqual({ key: "career.errors.excellentNeedsCredits", params: { name: "乙新人", counted: 0, required: 100 } });
    expect(await db.appraisal.count({ where: { personId: newcomer.id } })).toBe(0);
    expect((await one(otherStreetHr, tree.streets[1].id, QUOTA_YEAR, newcomer.id, "pass")).status).toBe(200);
  });

  it("audits every rating; a change needs a reason and records before and after", async () => {
    const person = streetPeople[10];
    const created = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Appraisal", personId: person.id, action: "appraisal.recorded" } });
    expect(JSON.parse(created.after!)).toEqual({ year: QUOTA_YEAR, rating: "pass" });

    const noReason = await one(streetHr, tree.streets[0].id, QUOTA_YEAR, person.id, "basic");
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).fieldErrors).toEqual({ reason: "errors.required" });

    const changed = await one(streetHr, tree.streets[0].id, QUOTA_YEAR, person.id, "basic", "late reports");
    expect(changed.status).toBe(200);
    const events = await db.auditEvent.findMany({ where: { entityType: "Appraisal", personId: person.id, action: "appraisal.changed" } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].before!)).toEqual({ year: QUOTA_YEAR, rating: "pass" });
    expect(JSON.parse(events[0].after!)).toEqual({ year: QUOTA_YEAR, rating: "basic" });
    expect(events[0].reason).toBe("late reports");
  });

  it("refuses an open year when the rules require a closed one", async () => {
    const saveRules = (requireClosedYear: boolean) =>
      settle(() =>
        ladderAction(
          args(
            formRequest(
              "/admin/ladder",
              {
                intent: "rules",
                excellentSharePercent: "20",
                excellentAtLeastOne: "on",
                excellentRequiresCredits: "on",
                ...(requireClosedYear ? { requireClosedYear: "on" } : {}),
                reason: "wait for final credits",
              },
              admin,
            ),
          ),
        ),
      );
    expect((await saveRules(true)).status).toBe(200);
    const refused = await one(streetHr, tree.streets[0].id, 2023, streetPeople[0].id, "pass");
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toEqual({ key: "career.errors.yearOpen", params: { year: 2023 } });
    await db.creditYear.create({ data: { year: 2023, status: "closed", closedAt: new Date() } });
    expect((await one(streetHr, tree.streets[0].id, 2023, streetPeople[0].id, "pass")).status).toBe(200);
    expect((await saveRules(false)).status).toBe(200);
    const audit = await db.auditEvent.findMany({ where: { action: "appraisal.rules_changed" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[0].after!)).toMatchObject({ requireClosedYear: true, excellentSharePercent: 20 });
  });

  it("keeps a street's officer to their street; learners and trainers get 403", async () => {
    const outsider = await one(otherStreetHr, tree.streets[0].id, QUOTA_YEAR, streetPeople[1].id, "pass", "x");
    expect(outsider.status).toBe(403);
    const smuggled = await one(otherStreetHr, tree.streets[1].id, QUOTA_YEAR, streetPeople[1].id, "pass", "x");
    expect(smuggled.status).toBe(403);
    const peek = await settle(() => appraisalsLoader(args(getRequest(`/hr/appraisals?unit=${tree.streets[0].id}`, otherStreetHr))));
    expect(peek.status).toBe(403);
    for (const cookie of [learner, trainer]) {
      expect((await settle(() => appraisalsLoader(args(getRequest("/hr/appraisals", cookie))))).status).toBe(403);
      expect((await one(cookie, tree.streets[0].id, QUOTA_YEAR, streetPeople[1].id, "pass", "x")).status).toBe(403);
      expect((await settle(() => roundsLoader(args(getRequest("/hr/promotions", cookie))))).status).toBe(403);
      expect((await settle(() => ladderLoader(args(getRequest("/admin/ladder", cookie))))).status).toBe(403);
    }
    expect((await settle(() => ladderLoader(args(getRequest("/admin/ladder", districtHr))))).status).toBe(403);
  });
});

describe("promotion round", () => {
  const YEAR = 2022;
  let regular: number;
  let early: number;
  let atTop: number;
  let failed: number;

  async function withHistory(grade: number, since: number, ratings: Record<number, string>, earlySteps = 0) {
    const person = await makePerson(tree.streets[0].areaId);
    await db.person.update({ where: { id: person.id }, data: { grade } });
    for (let i = 0; i < earlySteps; i++) {
      await db.gradeRecord.create({
        data: { personId: person.id, postTypeCode: "staff", grade: grade - earlySteps + i, effectiveFrom: shanghaiNewYear(2010 + i), reason: "early" },
      });
    }
    await db.gradeRecord.create({
      data: { personId: person.id, postTypeCode: "staff", grade, effectiveFrom: shanghaiNewYear(since), reason: "initial" },
    });
    for (const [year, rating] of Object.entries(ratings)) {
      await db.appraisal.create({ data: { personId: person.id, year: Number(year), rating } });
    }
    return person.id;
  }

  beforeAll(async () => {
    regular = await withHistory(3, 2020, { 2020: "pass", 2021: "basic", 2022: "excellent", 2019: "fail" });
    // 2020 pass, 2021 basic (not counted), 2022 excellent → only 2 years: make it 3 with 2019 at the grade.
    await db.gradeRecord.updateMany({ where: { personId: regular }, data: { effectiveFrom: shanghaiNewYear(2019) } });
    await db.appraisal.update({ where: { personId_year: { personId: regular, year: 2019 } }, data: { rating: "pass" } });
    early = await withHistory(5, 2021, { 2021: "excellent", 2022: "excellent" }, 1);
    atTop = await withHistory(12, 2019, { 2019: "pass", 2020: "pass", 2021: "pass", 2022: "pass" });
    failed = await withHistory(4, 2019, { 2019: "pass", 2020: "pass", 2021: "fail", 2022: "pass" });
  });

  const round = (cookie: string, fields: Record<string, string>) =>
    settle(() => roundAction(args(formRequest(`/hr/promotions/${YEAR}`, fields, cookie), { year: String(YEAR) })));

  it("only district HR creates a round; it proposes a grade with its explanation for everyone in scope", async () => {
    const refused = await settle(() => roundsAction(args(formRequest("/hr/promotions", { intent: "create", year: String(YEAR) }, streetHr))));
    expect(refused.status).toBe(403);
    expect(await db.promotionRound.count()).toBe(0);

    const created = await settle(() => roundsAction(args(formRequest("/hr/promotions", { intent: "create", year: String(YEAR) }, districtHr))));
    expect(created.status).toBe(302);
    expect(created.headers.get("Location")).toBe(`/hr/promotions/${YEAR}`);
    const proposals = await db.promotionProposal.findMany({ select: { personId: true, currentGrade: true, proposedGrade: true, explanation: true } });
    const active = await db.person.count({ where: { active: true } });
    expect(proposals).toHaveLength(active);
    const by = new Map(proposals.map((p) => [p.personId, p]));
    expect(by.get(regular)).toMatchObject({ currentGrade: 3, proposedGrade: 4 });
    expect(JSON.parse(by.get(regular)!.explanation)).toEqual({
      kind: "regular",
      steps: [
        { key: "career.explain.since", params: { grade: 3, year: 2019 } },
        { key: "career.explain.yearPass", params: { year: 2019, count: 1, needed: 3 } },
        { key: "career.explain.yearPass", params: { year: 2020, count: 2, needed: 3 } },
        { key: "career.explain.yearBasic", params: { year: 2021, count: 2, needed: 3 } },
        { key: "career.explain.yearExcellent", params: { year: 2022, count: 3, needed: 3 } },
        { key: "career.explain.regular", params: { from: 3, to: 4, count: 3 } },
      ],
    });
    expect(by.get(early)).toMatchObject({ currentGrade: 5, proposedGrade: 6 });
    expect(JSON.parse(by.get(early)!.explanation).kind).toBe("early");
    expect(by.get(atTop)).toMatchObject({ currentGrade: 12, proposedGrade: 12 });
    expect(by.get(failed)).toMatchObject({ currentGrade: 4, proposedGrade: 4 });

    // The street's officer sees only their street's proposals; "only changes" filters.
    const view = await settle(() => roundLoader(args(getRequest(`/hr/promotions/${YEAR}?changes=1`, otherStreetHr), { year: String(YEAR) })));
    const viewBody = await view.json();
    expect(viewBody.proposals).toEqual([]);
    const mine = await settle(() => roundLoader(args(getRequest(`/hr/promotions/${YEAR}?changes=1`, streetHr), { year: String(YEAR) })));
    expect((await mine.json()).proposals.map((p: { person: { id: number } }) => p.person.id).sort()).toEqual([regular, early].sort());
  });

  it("overrides with a reason within the post's range, audited; re-running keeps the override", async () => {
    const proposal = await db.promotionProposal.findFirstOrThrow({ where: { personId: failed } });
    const outside = await round(streetHr, { intent: "override", proposalId: String(proposal.id), grade: "13", reason: "exceptional" });
    expect(outside.status).toBe(400);
    expect((await outside.json()).error).toEqual({ key: "career.errors.overrideOutOfRange", params: { grade: 13, min: 1, max: 12 } });
    const noReason = await round(streetHr, { intent: "override", proposalId: String(proposal.id), grade: "5", reason: "" });
    expect(noReason.status).toBe(400);
    const otherStreet = await round(otherStreetHr, { intent: "override", proposalId: String(proposal.id), grade: "5", reason: "x" });
    expect(otherStreet.status).toBe(403);

    const ok = await round(streetHr, { intent: "override", proposalId: String(proposal.id), grade: "5", reason: "led the flood response" });
    expect(ok.status).toBe(200);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "promotion.overridden", entityId: String(proposal.id) } });
    expect(JSON.parse(audit.after!)).toEqual({ proposedGrade: 4, overrideGrade: 5, overrideReason: "led the flood response" });
    expect(audit.reason).toBe("led the flood response");

    const before = await db.promotionProposal.count();
    expect((await round(districtHr, { intent: "refresh" })).status).toBe(200);
    expect(await db.promotionProposal.count()).toBe(before);
    expect(await db.promotionProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({ overrideGrade: 5, proposedGrade: 4 });
  });

  it("confirms once: GradeRecords effective 1 January next year and Person.grade, in one go", async () => {
    expect((await round(streetHr, { intent: "confirm" })).status).toBe(403);
    const confirmed = await round(districtHr, { intent: "confirm" });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json()).notice.params.changed).toBe(3);

    const roundRow = await db.promotionRound.findUniqueOrThrow({ where: { year: YEAR } });
    expect(roundRow.status).toBe("confirmed");
    const records = await db.gradeRecord.findMany({ where: { roundId: roundRow.id }, orderBy: { personId: "asc" } });
    expect(records.map((r) => [r.personId, r.grade, r.reason])).toEqual(
      [
        [regular, 4, "regular"],
        [early, 6, "early"],
        [failed, 5, "override"],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    for (const r of records) expect(r.effectiveFrom.toISOString()).toBe("2022-12-31T16:00:00.000Z");
    const grades = await db.person.findMany({ where: { id: { in: [regular, early, atTop, failed] } }, select: { id: true, grade: true } });
    expect(Object.fromEntries(grades.map((g) => [g.id, g.grade]))).toEqual({ [regular]: 4, [early]: 6, [atTop]: 12, [failed]: 5 });
    expect(await db.auditEvent.count({ where: { action: "promotion.round_confirmed" } })).toBe(1);

    const again = await round(districtHr, { intent: "confirm" });
    expect(again.status).toBe(409);
    expect((await again.json()).error.key).toBe("career.errors.roundConfirmed");
    expect((await round(districtHr, { intent: "refresh" })).status).toBe(409);
    expect(await db.gradeRecord.count({ where: { roundId: roundRow.id } })).toBe(3);
  });
});

describe("/admin/ladder", () => {
  const post = (fields: Record<string, string>) =>
    settle(() => ladderAction(args(formRequest("/admin/ladder", { intent: "post", code: "staff", nameZh: "工作人员", nameEn: "Staff", reason: "policy", ...fields }, admin))));

  it("refuses a range that would put people outside it, naming how many", async () => {
    const highest = await db.person.aggregate({ where: { postTypeCode: "staff", active: true, grade: { gt: 10 } }, _count: true });
    const refused = await post({ minGrade: "1", maxGrade: "10" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toEqual({ key: "career.errors.peopleOutsideRange", params: { count: highest._count, min: 1, max: 10 } });
    expect(highest._count).toBe(1);
    expect((await post({ minGrade: "9", maxGrade: "3" })).status).toBe(400);
    expect((await post({ minGrade: "1", maxGrade: "19" })).status).toBe(400);

    const ok = await post({ minGrade: "1", maxGrade: "14", nameEn: "Community worker" });
    expect(ok.status).toBe(200);
    expect(await db.postType.findUniqueOrThrow({ where: { code: "staff" } })).toMatchObject({ maxGrade: 14, nameEn: "Community worker" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "post_type.changed", entityId: "staff" } });
    expect(JSON.parse(audit.before!)).toMatchObject({ maxGrade: 12 });
    expect(JSON.parse(audit.after!)).toMatchObject({ maxGrade: 14 });
  });

  it("saves the promotion rules (audited, validated); the next round uses them", async () => {
    const person = await makePerson(tree.streets[0].areaId);
    await db.gradeRecord.create({ data: { personId: person.id, postTypeCode: "staff", grade: 3, effectiveFrom: shanghaiNewYear(2022), reason: "initial" } });
    await db.appraisal.createMany({ data: [2022, 2023].map((year) => ({ personId: person.id, year, rating: "pass" })) });
    const ladder = (fields: Record<string, string>) =>
      settle(() =>
        ladderAction(
          args(
            formRequest(
              "/admin/ladder",
              {
                intent: "ladder",
                yearsPerStep: "2",
                excellentYearsForEarlyStep: "2",
                maxEarlySteps: "2",
                "edu.secondary": "0",
                "edu.college": "0",
                "edu.bachelor": "1",
                "edu.master": "2",
                "edu.doctorate": "3",
                "cert.none": "0",
                "cert.assistant": "0",
                "cert.intermediate": "1",
                "cert.senior": "2",
                reason: "district decision 2023-7",
                ...fields,
              },
              admin,
            ),
          ),
        ),
      );
    const invalid = await ladder({ yearsPerStep: "0" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).fieldErrors.yearsPerStep).toBe('career.errors.countBounds|{"min":1,"max":10}');

    expect((await ladder({})).status).toBe(200);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "ladder.rules_changed" } });
    expect(JSON.parse(audit.before!)).toMatchObject({ yearsPerStep: 3, educationBonus: { doctorate: 2 } });
    expect(JSON.parse(audit.after!)).toMatchObject({ yearsPerStep: 2, educationBonus: { doctorate: 3 } });

    const created = await settle(() => roundsAction(args(formRequest("/hr/promotions", { intent: "create", year: "2023" }, districtHr))));
    expect(created.status).toBe(302);
    const proposal = await db.promotionProposal.findFirstOrThrow({ where: { personId: person.id, round: { year: 2023 } } });
    expect(proposal).toMatchObject({ currentGrade: 3, proposedGrade: 4 });
    expect(JSON.parse(proposal.explanation).steps.at(-1)).toEqual({ key: "career.explain.regular", params: { from: 3, to: 4, count: 2 } });
  });
});
