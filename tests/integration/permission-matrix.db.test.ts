// The permission matrix: every route module in app/routes, called as Remix calls it (real
// Requests, real session cookies, the real database) as each of six roles — anonymous, a
// learner with a person, a trainer, a street's HR, the district's HR and an administrator —
// with the loader (GET) and, where there is one, the action (POST with an empty form; DELETE
// for the API enrolment route). Each answer is judged allowed or denied (see verdictOf) and
// compared with the matrix below. Routes with parameters are also called on records that
// belong to someone else (another street's person, another trainer's class, another team's
// project, another learner's enrolment). A route file without an entry here fails the first
// test, so a new route cannot ship without saying who may use it.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { issueTranscript } from "~/transcripts/issue.server";
import { db } from "~/utils/db.server";
import { CALENDAR, makeCatalogue, makeCourse, makeLearner, makeOffering, makeSessions } from "../support/enrolment-fixtures";
import { makePerson, makeUnitTree, makeUser } from "../support/factories";
import { anonymousDenialOk, fillPattern, routeFiles, routePattern, verdictOf, type Verdict } from "../support/permission-matrix";
import { BASE, getRequest, sessionCookieFor, settle } from "../support/requests";

// Files (attachments, evidence) go to a folder of this file's own, set before the env is read.
const dataDir = mkdtempSync(path.join(tmpdir(), "lane-matrix-"));
process.env.DATA_DIR = dataDir;

const ROLES = ["anonymous", "learner", "trainer", "hrStreet", "hrDistrict", "admin"] as const;
type Role = (typeof ROLES)[number];
/** The standard roles plus the "someone else" actors of the per-record checks. */
type Actor = Role | "learnerOther" | "trainerOther" | "hrOtherStreet";

type Fx = {
  cookies: Record<Exclude<Actor, "anonymous">, string>;
  userIds: Record<Exclude<Actor, "anonymous">, number>;
  /** Person of the learner (street A) and of the other learner (street B). */
  personA: { id: number; employeeNo: string };
  personB: { id: number; employeeNo: string };
  courseId: number;
  courseCode: string;
  /** Class A: street A, taught by trainer A, learner A enrolled. Class B: street B, trainer B. */
  classA: number;
  classB: number;
  sessionA: number;
  sessionB: number;
  /** A future class learner A is enrolled in (the API's DELETE withdraws from it). */
  apiOffering: number;
  apiEnrolment: number;
  /** Camp A (trainer A leads; team 1 = learner A, team 2 = learner B). Camp B: trainer B leads. */
  campA: number;
  campB: number;
  project1: number;
  project2: number;
  projectB: number;
  briefB: number;
  attachment1: number;
  attachment2: number;
  adjustmentA: number;
  adjustmentB: number;
  eligibilityCode: string;
  /** Learner B's enrolment in class B (street B). */
  enrolmentB: number;
  levelId: number;
  streetA: number;
  streetB: number;
  /** A residential area of street B (a report root through the builder's area select). */
  areaB: number;
  /** Street B's unit code (the HR API filters by code). */
  streetBCode: string;
  competencyId: number;
  /** An unread notification of learner A. */
  notificationA: number;
  /** Camp A's team 1 (learner A; released) and team 2 (learner B; not released); camp B's team. */
  team1: number;
  team2: number;
  teamB: number;
  /** The verification code of a transcript issued to learner A. */
  transcriptCode: string;
  /** Import batches made by street A's and street B's HR (with their original files). */
  importA: number;
  importB: number;
};
let fx: Fx;

type Params = Record<string, string>;
type Check = Role[] | "public";
type RecordCheck = {
  /** What the record is, for the failure message. */
  what: string;
  as: Actor;
  handler: "loader" | "action";
  params: (f: Fx) => Params;
  query?: (f: Fx) => string;
  form?: (f: Fx) => Params;
  expect: Verdict;
  /**
   * When out of scope is answered like an unknown value in the form (a field error), the status
   * that counts as denied here; a later test checks nothing was written.
   */
  deniedAs?: number;
};
type Entry = {
  params?: (f: Fx) => Params;
  query?: (f: Fx) => string;
  /** Who the loader (GET) lets in; "public" when anyone may (no denial check). */
  loader: Check;
  /** Who the action lets in; absent when the module has no action. */
  action?: Check;
  actionMethod?: "POST" | "DELETE";
  /** The action reads multipart/form-data only (uploads). */
  multipart?: boolean;
  /**
   * The action's form, when an empty one would be refused (400) before the check that matters
   * (district-level only, the person's street…). Every role sends the same form.
   */
  form?: (f: Fx) => Params;
  /** Signs the user out: every call gets a fresh session. */
  freshSession?: boolean;
  records?: RecordCheck[];
};

const SIGNED_IN: Role[] = ["learner", "trainer", "hrStreet", "hrDistrict", "admin"];
const LEARNER: Role[] = ["learner"];
const TRAINER: Role[] = ["trainer"];
const HR: Role[] = ["hrStreet", "hrDistrict", "admin"];
const ADMIN: Role[] = ["admin"];
const DISTRICT: Role[] = ["hrDistrict", "admin"];
/** Trainer A is the class's trainer and the camp's lead; nobody else (not HR, not admins). */
const STAFF: Role[] = ["trainer"];

/** The default credit rules as the /hr/policy form sends them (as in credits-admin.db.test.ts). */
function policyForm(year: number): Params {
  return {
    year: String(year),
    requiredPoints: "56",
    minInPersonPoints: "16",
    onlineCapPoints: "28",
    pointsPerHour: "1",
    minutesPerHour: "60",
    minCompetencies: "3",
    rolloverCapPoints: "10",
    absenceNumerator: "1",
    absenceDenominator: "7",
    adjustmentApprovalThreshold: "8",
    "hourRule.0.minMinutes": "30",
    "hourRule.0.hours": "1",
    "hourRule.1.minMinutes": "15",
    "hourRule.1.hours": "0.5",
  };
}
const adjustmentForm = (f: Fx, employeeNo: string): Params => ({
  employeeNo,
  creditYear: "2026",
  amount: "1",
  category: "external",
  attributionKind: "one",
  competencyId: String(f.competencyId),
  reason: "矩阵",
});
const appraisalForm = (streetId: number, personId: number): Params => ({ intent: "one", year: "2025", streetId: String(streetId), personId: String(personId), rating: "pass" });

const campA = (f: Fx) => ({ campId: String(f.campA) });
const campRecords = (handler: "loader" | "action"): RecordCheck[] => [
  { what: "camp B (trainer B's)", as: "trainer", handler, params: (f) => ({ campId: String(f.campB) }), expect: "denied" },
  { what: "camp A (trainer A's)", as: "trainerOther", handler, params: campA, expect: "denied" },
  { what: "camp B (own)", as: "trainerOther", handler, params: (f) => ({ campId: String(f.campB) }), expect: "allowed" },
  { what: "a camp that does not exist", as: "trainer", handler, params: () => ({ campId: "999999" }), expect: "denied" },
];
const campLoaderAndAction = (): RecordCheck[] => [...campRecords("loader"), ...campRecords("action")];

export const MATRIX: Record<string, Entry> = {
  // "/" sends the anonymous visitor to /login and everyone else to their home page.
  "_index.tsx": { loader: SIGNED_IN },
  "account.password.tsx": { loader: SIGNED_IN, action: SIGNED_IN },
  "admin._index.tsx": { loader: ADMIN },
  "admin.ladder.tsx": { loader: ADMIN, action: ADMIN },
  "admin.tokens.tsx": { loader: ADMIN, action: ADMIN },
  "admin.users.tsx": { loader: ADMIN, action: ADMIN },
  // The HR API: HR sessions (and API tokens, tested in api-hr.db.test.ts) within their unit
  // subtree. Its actions only answer 405 (read-only) to everyone and read nothing.
  "api.v1.appraisals.ts": {
    loader: HR,
    action: "public",
    records: [{ what: "street B's appraisals", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?unit=${f.streetBCode}`, expect: "denied" }],
  },
  "api.v1.ledger.ts": {
    loader: HR,
    action: "public",
    records: [
      { what: "street B's person's ledger", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?person=${f.personB.employeeNo}`, expect: "denied" },
      { what: "street B's person's ledger", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?person=${f.personB.employeeNo}`, expect: "allowed" },
    ],
  },
  "api.v1.me.credits.ts": { loader: LEARNER },
  "api.v1.offerings.$offeringId.enrolments.ts": {
    params: (f) => ({ offeringId: String(f.apiOffering) }),
    // The loader only answers 405 (use POST or DELETE) and reads nothing.
    loader: "public",
    action: LEARNER,
    actionMethod: "DELETE",
  },
  "api.v1.offerings.ts": { loader: SIGNED_IN },
  "api.v1.openapi[.json].ts": { loader: "public" },
  "api.v1.people.ts": {
    loader: HR,
    action: "public",
    records: [
      { what: "street B's people", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?unit=${f.streetBCode}`, expect: "denied" },
      { what: "street B's people", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?unit=${f.streetBCode}`, expect: "allowed" },
    ],
  },
  "api.v1.reports.credits.ts": {
    loader: HR,
    action: "public",
    records: [
      { what: "street B's report", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?unit=${f.streetBCode}`, expect: "denied" },
      { what: "street B's report", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?unit=${f.streetBCode}`, expect: "allowed" },
    ],
  },
  "api.v1.people_.$employeeNo.credits.ts": {
    params: (f) => ({ employeeNo: f.personA.employeeNo }),
    loader: HR,
    action: "public",
    records: [
      { what: "street B's person", as: "hrStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "allowed" },
      { what: "street A's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personA.employeeNo }), expect: "denied" },
    ],
  },
  "camps.attachments.$attachmentId.ts": {
    params: (f) => ({ attachmentId: String(f.attachment1) }),
    // Team 1's file: its member (learner A) and the camp's staff (trainer A).
    loader: ["learner", "trainer"],
    records: [
      { what: "team 1's attachment", as: "learnerOther", handler: "loader", params: (f) => ({ attachmentId: String(f.attachment1) }), expect: "denied" },
      { what: "team 2's attachment (own team)", as: "learnerOther", handler: "loader", params: (f) => ({ attachmentId: String(f.attachment2) }), expect: "allowed" },
      { what: "team 2's attachment", as: "learner", handler: "loader", params: (f) => ({ attachmentId: String(f.attachment2) }), expect: "denied" },
      { what: "camp A's attachment", as: "trainerOther", handler: "loader", params: (f) => ({ attachmentId: String(f.attachment1) }), expect: "denied" },
    ],
  },
  "camps.teams.$teamId.feedback[.pdf].ts": {
    params: (f) => ({ teamId: String(f.team1) }),
    // Team 1's released feedback: its member (learner A) and the camp's lead (trainer A).
    loader: ["learner", "trainer"],
    records: [
      { what: "team 1's feedback", as: "learnerOther", handler: "loader", params: (f) => ({ teamId: String(f.team1) }), expect: "denied" },
      { what: "team 2's unreleased feedback (own team)", as: "learnerOther", handler: "loader", params: (f) => ({ teamId: String(f.team2) }), expect: "denied" },
      { what: "camp A's team", as: "trainerOther", handler: "loader", params: (f) => ({ teamId: String(f.team1) }), expect: "denied" },
      { what: "camp B's team (own camp)", as: "trainerOther", handler: "loader", params: (f) => ({ teamId: String(f.teamB) }), expect: "allowed" },
    ],
  },
  "catalogue.$courseCode.tsx": { params: (f) => ({ courseCode: f.courseCode }), loader: SIGNED_IN, action: LEARNER },
  "catalogue._index.tsx": { loader: SIGNED_IN },
  "healthz.ts": { loader: "public" },
  "hr._index.tsx": { loader: HR },
  "hr.imports._index.tsx": { loader: HR, action: HR, multipart: true },
  "hr.imports.$batchId.tsx": {
    params: (f) => ({ batchId: String(f.importA) }),
    loader: HR,
    action: HR,
    records: [
      { what: "street B's import", as: "hrStreet", handler: "loader", params: (f) => ({ batchId: String(f.importB) }), expect: "denied" },
      { what: "street B's import", as: "hrOtherStreet", handler: "loader", params: (f) => ({ batchId: String(f.importB) }), expect: "allowed" },
      { what: "street B's import", as: "hrStreet", handler: "action", params: (f) => ({ batchId: String(f.importB) }), form: () => ({ intent: "commit" }), expect: "denied" },
      { what: "street B's import", as: "hrOtherStreet", handler: "action", params: (f) => ({ batchId: String(f.importB) }), form: () => ({ intent: "commit" }), expect: "allowed" },
    ],
  },
  "hr.imports.$batchId_.file.ts": {
    params: (f) => ({ batchId: String(f.importA) }),
    loader: HR,
    records: [
      { what: "street B's import file", as: "hrStreet", handler: "loader", params: (f) => ({ batchId: String(f.importB) }), expect: "denied" },
      { what: "street B's import file", as: "hrOtherStreet", handler: "loader", params: (f) => ({ batchId: String(f.importB) }), expect: "allowed" },
    ],
  },
  "hr.adjustments.$adjustmentId.evidence.ts": {
    params: (f) => ({ adjustmentId: String(f.adjustmentA) }),
    loader: HR,
    records: [
      { what: "street B's person's evidence", as: "hrStreet", handler: "loader", params: (f) => ({ adjustmentId: String(f.adjustmentB) }), expect: "denied" },
      { what: "street B's person's evidence", as: "hrOtherStreet", handler: "loader", params: (f) => ({ adjustmentId: String(f.adjustmentB) }), expect: "allowed" },
      { what: "street B's person's evidence", as: "hrDistrict", handler: "loader", params: (f) => ({ adjustmentId: String(f.adjustmentB) }), expect: "allowed" },
    ],
  },
  "hr.adjustments._index.tsx": {
    loader: HR,
    action: HR,
    records: [
      { what: "street B's person's adjustment", as: "hrStreet", handler: "action", params: () => ({}), form: (f) => ({ intent: "reject", adjustmentId: String(f.adjustmentB), note: "矩阵" }), expect: "denied" },
      { what: "street B's person's adjustment", as: "hrOtherStreet", handler: "action", params: () => ({}), form: (f) => ({ intent: "reject", adjustmentId: String(f.adjustmentB), note: "矩阵" }), expect: "allowed" },
    ],
  },
  "hr.adjustments.new.tsx": {
    loader: HR,
    action: HR,
    multipart: true,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "action", params: () => ({}), form: (f) => adjustmentForm(f, f.personB.employeeNo), expect: "denied", deniedAs: 400 },
      { what: "street B's person", as: "hrOtherStreet", handler: "action", params: () => ({}), form: (f) => adjustmentForm(f, f.personB.employeeNo), expect: "allowed" },
    ],
  },
  "hr.appraisals.tsx": {
    loader: HR,
    action: HR,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "action", params: () => ({}), form: (f) => appraisalForm(f.streetB, f.personB.id), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "action", params: () => ({}), form: (f) => appraisalForm(f.streetB, f.personB.id), expect: "allowed" },
    ],
  },
  "hr.approvals.tsx": {
    loader: HR,
    action: HR,
    records: [
      { what: "street B's person's enrolment", as: "hrStreet", handler: "action", params: () => ({}), form: (f) => ({ enrolmentId: String(f.enrolmentB), decision: "decline", reason: "矩阵" }), expect: "denied" },
    ],
  },
  "hr.audit.tsx": { loader: HR },
  "hr.audit[.csv].ts": { loader: HR },
  "hr.classes.$offeringId.tsx": {
    params: (f) => ({ offeringId: String(f.classA) }),
    loader: HR,
    action: HR,
    records: [
      { what: "street B's class", as: "hrStreet", handler: "loader", params: (f) => ({ offeringId: String(f.classB) }), expect: "denied" },
      { what: "street B's class", as: "hrStreet", handler: "action", params: (f) => ({ offeringId: String(f.classB) }), expect: "denied" },
      { what: "street B's class", as: "hrOtherStreet", handler: "loader", params: (f) => ({ offeringId: String(f.classB) }), expect: "allowed" },
      { what: "street A's class", as: "hrOtherStreet", handler: "loader", params: (f) => ({ offeringId: String(f.classA) }), expect: "denied" },
    ],
  },
  "hr.classes._index.tsx": { loader: HR },
  "hr.classes.new.tsx": { loader: HR, action: HR },
  "hr.eligibility.$code.tsx": { params: (f) => ({ code: f.eligibilityCode }), loader: HR },
  "hr.eligibility._index.tsx": { loader: HR, action: ADMIN },
  "hr.people.tsx": { loader: HR },
  "hr.people_.$employeeNo_.dossier[.pdf].ts": {
    params: (f) => ({ employeeNo: f.personA.employeeNo }),
    loader: HR,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "allowed" },
    ],
  },
  "hr.people_.$employeeNo_.transcript[.pdf].ts": {
    params: (f) => ({ employeeNo: f.personA.employeeNo }),
    loader: HR,
    action: HR,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "action", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "action", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "allowed" },
      { what: "street A's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personA.employeeNo }), expect: "denied" },
    ],
  },
  "hr.people_.$employeeNo_.transcripts.tsx": {
    params: (f) => ({ employeeNo: f.personA.employeeNo }),
    loader: HR,
    action: HR,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrStreet", handler: "action", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "allowed" },
    ],
  },
  "hr.people_.$employeeNo.tsx": {
    params: (f) => ({ employeeNo: f.personA.employeeNo }),
    loader: HR,
    records: [
      { what: "street B's person", as: "hrStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "denied" },
      { what: "street B's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personB.employeeNo }), expect: "allowed" },
      { what: "street A's person", as: "hrOtherStreet", handler: "loader", params: (f) => ({ employeeNo: f.personA.employeeNo }), expect: "denied" },
    ],
  },
  // Credit policy is district-level: a street's officer may look, not change (a preview writes nothing).
  "hr.policy.tsx": { loader: HR, action: DISTRICT, form: () => ({ ...policyForm(2026), intent: "preview" }) },
  // Rounds are run by district-level HR and administrators only.
  "hr.promotions.$year.tsx": { params: () => ({ year: "2026" }), loader: HR, action: DISTRICT, form: () => ({ intent: "refresh" }) },
  "hr.promotions._index.tsx": { loader: HR, action: DISTRICT, form: () => ({ intent: "create", year: "2026" }) },
  // Credit reports: HR and administrators, each within their scope (a unit or person outside it is refused).
  "hr.reports._index.tsx": {
    loader: HR,
    action: HR,
    records: [
      { what: "street B's report", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&unitId=${f.streetB}`, expect: "denied" },
      { what: "street B's report", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&unitId=${f.streetB}`, expect: "allowed" },
      // The area select: an area outside the scope is refused like a bad choice (400, no report).
      { what: "street B's area", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&areaId=${f.areaB}`, expect: "denied", deniedAs: 400 },
      { what: "street B's area", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&areaId=${f.areaB}`, expect: "allowed" },
    ],
  },
  "hr.reports.entries.tsx": {
    loader: HR,
    query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&group=&year=2026&person=${f.personA.id}`,
    records: [
      { what: "street B's person's entries", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&group=&year=2026&person=${f.personB.id}`, expect: "denied" },
      { what: "street B's person's entries", as: "hrOtherStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&group=&year=2026&person=${f.personB.id}`, expect: "allowed" },
    ],
  },
  "hr.reports.people.tsx": {
    loader: HR,
    query: () => "?yearFrom=2026&yearTo=2026&groupBy=unit&group=",
    records: [
      { what: "street B's people", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&group=&unitId=${f.streetB}`, expect: "denied" },
    ],
  },
  "hr.reports[.csv].ts": {
    loader: HR,
    query: () => "?yearFrom=2026&yearTo=2026&groupBy=unit",
    records: [
      { what: "street B's export", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&unitId=${f.streetB}`, expect: "denied" },
    ],
  },
  "hr.reports[.xlsx].ts": {
    loader: HR,
    query: () => "?yearFrom=2026&yearTo=2026&groupBy=unit",
    records: [
      { what: "street B's export", as: "hrStreet", handler: "loader", params: () => ({}), query: (f) => `?yearFrom=2026&yearTo=2026&groupBy=unit&unitId=${f.streetB}`, expect: "denied" },
    ],
  },
  "hr.transcripts.tsx": { loader: HR },
  // An empty form goes back to the page (a redirect); a unit outside the scope likewise (tested in app/transcripts).
  "hr.transcripts[.zip].ts": { loader: HR, action: HR },
  "hr.waivers.tsx": {
    loader: HR,
    action: HR,
    records: [
      // Another street's person reads as an unknown employee number: a field error (400).
      {
        what: "street B's person",
        as: "hrStreet",
        handler: "action",
        params: () => ({}),
        form: (f) => ({ intent: "grant", employeeNo: f.personB.employeeNo, levelId: String(f.levelId), reason: "矩阵" }),
        expect: "denied",
        deniedAs: 400,
      },
      { what: "street B's person", as: "hrOtherStreet", handler: "action", params: () => ({}), form: (f) => ({ intent: "grant", employeeNo: f.personB.employeeNo, levelId: String(f.levelId), reason: "矩阵" }), expect: "allowed" },
    ],
  },
  // Only district-level HR and administrators close or reopen a year (2026 is open: 409-ish for them).
  "hr.years.tsx": { loader: HR, action: DISTRICT, form: () => ({ intent: "reopen", year: "2026", reason: "矩阵" }) },
  "locale.tsx": { loader: "public", action: "public" },
  "login.tsx": { loader: "public", action: "public" },
  "logout.tsx": { loader: "public", action: "public", freshSession: true },
  "manage._index.tsx": { loader: HR },
  "manage.competencies.tsx": { loader: HR, action: HR },
  "manage.courses.$courseId.tsx": { params: (f) => ({ courseId: String(f.courseId) }), loader: HR, action: HR },
  "manage.courses._index.tsx": { loader: HR },
  "manage.courses.new.tsx": { loader: HR, action: HR },
  "manage.levels.tsx": { loader: HR, action: HR },
  "my._index.tsx": { loader: LEARNER },
  "my.calendar[.ics].ts": { loader: LEARNER },
  "my.camp._index.tsx": { loader: LEARNER },
  "my.camp.project.tsx": {
    loader: LEARNER,
    action: LEARNER,
    records: [
      { what: "team 2's brief page", as: "learnerOther", handler: "loader", params: () => ({}), expect: "allowed" },
      { what: "camp B's brief", as: "learner", handler: "loader", params: () => ({}), query: (f) => `?brief=${f.briefB}`, expect: "denied" },
      {
        what: "camp B's brief",
        as: "learner",
        handler: "action",
        params: () => ({}),
        query: (f) => `?brief=${f.briefB}`,
        form: () => ({ title: "楼道微更新", background: "堆物多", design: "议事会", budget: "2 万元", impact: "减少八成" }),
        // The action answers another camp's brief with briefNotFound as a form error (400), the loader with 404.
        expect: "denied",
        deniedAs: 400,
      },
    ],
  },
  "my.camp.result.tsx": {
    // Everyone signed in gets their own results (none for an account without a person).
    loader: SIGNED_IN,
    records: [
      { what: "team 1's released result (own)", as: "learner", handler: "loader", params: () => ({}), query: (f) => `?project=${f.project1}`, expect: "allowed" },
      { what: "team 1's released result", as: "learnerOther", handler: "loader", params: () => ({}), query: (f) => `?project=${f.project1}`, expect: "denied" },
      { what: "team 1's released result", as: "trainer", handler: "loader", params: () => ({}), query: (f) => `?project=${f.project1}`, expect: "denied" },
    ],
  },
  "my.check-in.tsx": { loader: LEARNER, action: LEARNER },
  "my.notifications.tsx": { loader: SIGNED_IN, action: SIGNED_IN },
  "my.transcript.tsx": { loader: LEARNER },
  // Issuing is a POST for the learner's own person (taken from the session); GET goes back to the page.
  "my.transcript[.pdf].ts": { loader: LEARNER, action: LEARNER },
  "trainer._index.tsx": { loader: TRAINER },
  "trainer.camps.$campId._index.tsx": { params: campA, loader: STAFF, action: STAFF, records: campLoaderAndAction() },
  "trainer.camps.$campId.marks[.csv].ts": { params: campA, loader: STAFF, records: campRecords("loader") },
  "trainer.camps.$campId.marks[.xlsx].ts": { params: campA, loader: STAFF, records: campRecords("loader") },
  "trainer.camps.$campId.release.tsx": { params: campA, loader: STAFF, action: STAFF, records: campLoaderAndAction() },
  "trainer.camps.$campId.rubric.tsx": { params: campA, loader: STAFF, action: STAFF, records: campLoaderAndAction() },
  "trainer.camps.$campId.rubric[.csv].ts": { params: campA, loader: STAFF, records: campRecords("loader") },
  "trainer.camps.$campId.rubric[.json].ts": { params: campA, loader: STAFF, records: campRecords("loader") },
  "trainer.camps.$campId.teams.tsx": { params: campA, loader: STAFF, action: STAFF, records: campLoaderAndAction() },
  // The action completes the class (it takes no fields): trainer A really completes class A here.
  "trainer.classes.$offeringId.tsx": {
    params: (f) => ({ offeringId: String(f.classA) }),
    loader: STAFF,
    action: STAFF,
    records: [
      { what: "class B (trainer B's)", as: "trainer", handler: "loader", params: (f) => ({ offeringId: String(f.classB) }), expect: "denied" },
      { what: "class B (trainer B's)", as: "trainer", handler: "action", params: (f) => ({ offeringId: String(f.classB) }), expect: "denied" },
      { what: "class A (trainer A's)", as: "trainerOther", handler: "loader", params: (f) => ({ offeringId: String(f.classA) }), expect: "denied" },
      { what: "class B (own)", as: "trainerOther", handler: "loader", params: (f) => ({ offeringId: String(f.classB) }), expect: "allowed" },
      { what: "a class that does not exist", as: "trainer", handler: "loader", params: () => ({ offeringId: "999999" }), expect: "denied" },
    ],
  },
  "trainer.grading.$projectId.tsx": {
    params: (f) => ({ projectId: String(f.project1) }),
    loader: STAFF,
    action: STAFF,
    records: [
      { what: "camp B's project", as: "trainer", handler: "loader", params: (f) => ({ projectId: String(f.projectB) }), expect: "denied" },
      { what: "camp B's project", as: "trainer", handler: "action", params: (f) => ({ projectId: String(f.projectB) }), expect: "denied" },
      { what: "camp A's project", as: "trainerOther", handler: "loader", params: (f) => ({ projectId: String(f.project1) }), expect: "denied" },
      { what: "camp B's project (own)", as: "trainerOther", handler: "loader", params: (f) => ({ projectId: String(f.projectB) }), expect: "allowed" },
    ],
  },
  "trainer.grading._index.tsx": { loader: TRAINER },
  "trainer.sessions.$sessionId.tsx": {
    params: (f) => ({ sessionId: String(f.sessionA) }),
    loader: STAFF,
    action: STAFF,
    records: [
      { what: "a session of class B", as: "trainer", handler: "loader", params: (f) => ({ sessionId: String(f.sessionB) }), expect: "denied" },
      { what: "a session of class B", as: "trainer", handler: "action", params: (f) => ({ sessionId: String(f.sessionB) }), expect: "denied" },
      { what: "a session of class A", as: "trainerOther", handler: "loader", params: (f) => ({ sessionId: String(f.sessionA) }), expect: "denied" },
    ],
  },
  "trainer.sessions.$sessionId_.sheet.tsx": {
    params: (f) => ({ sessionId: String(f.sessionA) }),
    loader: STAFF,
    records: [
      { what: "a session of class B", as: "trainer", handler: "loader", params: (f) => ({ sessionId: String(f.sessionB) }), expect: "denied" },
      { what: "a session of class A", as: "trainerOther", handler: "loader", params: (f) => ({ sessionId: String(f.sessionA) }), expect: "denied" },
    ],
  },
  // Public: the verification page of an issued transcript (an unknown code is a 404 page).
  "verify.$code.tsx": { params: (f) => ({ code: f.transcriptCode }), loader: "public" },
  "verify._index.tsx": { loader: "public" },
};

// ---------------------------------------------------------------- calling routes

type Handler = (args: { request: Request; params: Params; context: Record<string, never> }) => Promise<unknown>;
type RouteModule = { loader?: Handler; action?: Handler };

const modules = new Map<string, RouteModule>();
async function routeModule(file: string): Promise<RouteModule> {
  let mod = modules.get(file);
  if (!mod) {
    mod = (await import(`../../app/routes/${file}`)) as RouteModule;
    modules.set(file, mod);
  }
  return mod;
}

async function cookieOf(actor: Actor, fresh: boolean): Promise<string | undefined> {
  if (actor === "anonymous") return undefined;
  return fresh ? sessionCookieFor(fx.userIds[actor]) : fx.cookies[actor];
}

async function call(
  file: string,
  handler: "loader" | "action",
  actor: Actor,
  params: Params,
  query = "",
  options: { method?: "POST" | "DELETE"; fresh?: boolean; form?: Params; multipart?: boolean } = {},
): Promise<Response> {
  const mod = await routeModule(file);
  const fn = mod[handler];
  if (!fn) throw new Error(`${file} has no ${handler}`);
  const url = fillPattern(routePattern(file), params) + query;
  const cookie = await cookieOf(actor, options.fresh ?? false);
  let multipart: FormData | undefined;
  if (options.multipart) {
    multipart = new FormData();
    for (const [k, v] of Object.entries(options.form ?? {})) multipart.append(k, v);
  }
  const request =
    handler === "loader"
      ? getRequest(url, cookie)
      : multipart
        ? new Request(BASE + url, { method: "POST", body: multipart, headers: cookie ? { Cookie: cookie } : {} })
        : new Request(BASE + url, {
          method: options.method ?? "POST",
          body: options.method === "DELETE" ? undefined : new URLSearchParams(options.form ?? {}),
          headers: {
            ...(options.method === "DELETE" ? {} : { "Content-Type": "application/x-www-form-urlencoded" }),
            ...(cookie ? { Cookie: cookie } : {}),
          },
        });
  return settle(() => fn({ request, params, context: {} }));
}

// ---------------------------------------------------------------- fixtures

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "latin1");

async function makeCampWithTeams(hostUnitId: number, courseId: number, competencyId: number, leadId: number, members: number[][], submitterIds: number[]) {
  const offering = await makeOffering(courseId, hostUnitId);
  await makeSessions(offering.id, [210, 270]);
  const camp = await db.camp.create({ data: { offeringId: offering.id, passMark: 6000, status: "grading" } });
  await db.campStaff.create({ data: { campId: camp.id, userId: leadId, role: "lead" } });
  await db.rubric.create({
    data: {
      name: "评分表",
      campId: camp.id,
      criteria: {
        create: [
          {
            title: "方案",
            competencyId,
            weight: 100,
            levels: { create: [100, 60].map((points, i) => ({ label: `L${i + 1}`, points, sortOrder: i })) },
          },
        ],
      },
    },
  });
  const brief = await db.projectBrief.create({ data: { campId: camp.id, title: "社区微更新", dueAt: CALENDAR.ends } });
  const projects: number[] = [];
  const attachments: number[] = [];
  for (const [i, personIds] of members.entries()) {
    const team = await db.team.create({ data: { campId: camp.id, name: `第${i + 1}组` } });
    for (const personId of personIds) {
      await db.enrolment.create({ data: { offeringId: offering.id, personId, status: "enrolled" } });
      await db.teamMember.create({ data: { teamId: team.id, personId } });
    }
    const project = await db.project.create({ data: { teamId: team.id, briefId: brief.id, title: `项目${i + 1}` } });
    projects.push(project.id);
    const version = await db.projectVersion.create({
      data: { projectId: project.id, versionNo: 1, background: "b", design: "d", budget: "1 万元", impact: "i", submittedById: submitterIds[i] },
    });
    const storedName = randomBytes(16).toString("hex");
    writeFileSync(path.join(dataDir, "attachments", storedName), PDF);
    const attachment = await db.attachment.create({
      data: {
        projectVersionId: version.id,
        originalName: "方案.pdf",
        storedName,
        mimeType: "application/pdf",
        sizeBytes: PDF.length,
        sha256: createHash("sha256").update(PDF).digest("hex"),
      },
    });
    attachments.push(attachment.id);
  }
  return { campId: camp.id, briefId: brief.id, projects, attachments };
}

async function makeEvidenceAdjustment(personId: number, requestedById: number) {
  const storedName = `${randomBytes(16).toString("hex")}.pdf`;
  writeFileSync(path.join(dataDir, "evidence", storedName), PDF, { mode: 0o600 });
  const row = await db.creditAdjustment.create({
    data: { personId, creditYear: 2026, amount: 100, category: "external", reason: "外出培训", evidenceName: "证明.pdf", evidenceStoredName: storedName, requestedById },
  });
  return row.id;
}

beforeAll(async () => {
  mkdirSync(path.join(dataDir, "attachments"), { recursive: true });
  mkdirSync(path.join(dataDir, "evidence"), { recursive: true });
  const tree = await makeUnitTree();
  const [streetA, streetB] = tree.streets;
  const catalogue = await makeCatalogue();
  const course = await makeCourse(catalogue);
  const campCourse = await makeCourse(catalogue, { mode: "camp" });

  const a = await makeLearner(streetA.areaId);
  const b = await makeLearner(streetB.areaId);
  const trainer = await makeUser("trainer");
  const trainerOther = await makeUser("trainer");
  const hrStreet = await makeUser("hr", { scopeUnitId: streetA.id });
  const hrOtherStreet = await makeUser("hr", { scopeUnitId: streetB.id });
  const hrDistrict = await makeUser("hr", { scopeUnitId: tree.district.id });
  const admin = await makeUser("admin");
  // Someone in street A without an account, so street A's lists are not only the learner.
  await makePerson(streetA.areaId);

  const userIds = {
    learner: a.user!.id,
    learnerOther: b.user!.id,
    trainer: trainer.id,
    trainerOther: trainerOther.id,
    hrStreet: hrStreet.id,
    hrOtherStreet: hrOtherStreet.id,
    hrDistrict: hrDistrict.id,
    admin: admin.id,
  };
  const cookies = {} as Fx["cookies"];
  for (const [actor, id] of Object.entries(userIds)) cookies[actor as keyof Fx["cookies"]] = await sessionCookieFor(id);

  const classA = await makeOffering(course.id, streetA.id);
  await db.offering.update({ where: { id: classA.id }, data: { trainerId: trainer.id } });
  const [sessionA] = await makeSessions(classA.id, [120, 120]);
  await db.enrolment.create({ data: { offeringId: classA.id, personId: a.person.id, status: "enrolled" } });
  const classB = await makeOffering(course.id, streetB.id);
  await db.offering.update({ where: { id: classB.id }, data: { trainerId: trainerOther.id } });
  const [sessionB] = await makeSessions(classB.id, [120]);
  const enrolmentB = await db.enrolment.create({ data: { offeringId: classB.id, personId: b.person.id, status: "enrolled" } });

  // A class in the future, learner A enrolled: the API's DELETE withdraws from it.
  const year = new Date().getUTCFullYear() + 1;
  const apiOffering = await makeOffering(course.id, streetA.id, {
    opens: new Date(`${year}-01-01T00:00:00Z`),
    closes: new Date(`${year}-06-01T00:00:00Z`),
    withdrawDeadline: new Date(`${year}-06-05T00:00:00Z`),
    starts: new Date(`${year}-06-10T01:00:00Z`),
    ends: new Date(`${year}-06-12T10:00:00Z`),
    creditYear: year,
  });
  await db.offering.update({ where: { id: apiOffering.id }, data: { seatsTaken: 1 } });
  const apiEnrolment = await db.enrolment.create({ data: { offeringId: apiOffering.id, personId: a.person.id, status: "enrolled" } });

  const campOne = await makeCampWithTeams(streetA.id, campCourse.id, catalogue.competencyIds[0], trainer.id, [[a.person.id], [b.person.id]], [a.user!.id, b.user!.id]);
  const otherLearner = await makeLearner(streetB.areaId);
  const campTwo = await makeCampWithTeams(streetB.id, campCourse.id, catalogue.competencyIds[0], trainerOther.id, [[otherLearner.person.id]], [otherLearner.user!.id]);
  // Team 1's result is released: learner A may read it, nobody else.
  await db.finalMark.create({
    data: { projectId: campOne.projects[0], total: 8000, method: "mean", releasedAt: new Date(), releasedById: trainer.id },
  });

  await db.promotionRound.create({ data: { year: 2026, createdById: hrDistrict.id } });

  const notification = await db.notification.create({
    data: { userId: a.user!.id, kind: "test", payload: JSON.stringify({ key: "learning.notifications.title", params: {} }) },
  });

  const adjustmentA = await makeEvidenceAdjustment(a.person.id, hrDistrict.id);
  const adjustmentB = await makeEvidenceAdjustment(b.person.id, hrDistrict.id);

  // The eligibility rule sets are seeded on first read of their list.
  const { loader: ruleSets } = await import("~/routes/hr.eligibility._index");
  await settle(() => ruleSets({ request: getRequest("/hr/eligibility", cookies.admin), params: {}, context: {} }));
  const ruleSet = await db.eligibilityRuleSet.findFirstOrThrow({ orderBy: { id: "asc" }, select: { code: true } });
  const teamOf = async (projectId: number) => (await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { teamId: true } })).teamId;
  const transcript = await issueTranscript({ personId: a.person.id, issuedById: a.user!.id });

  fx = {
    cookies,
    userIds,
    personA: a.person,
    personB: b.person,
    courseId: course.id,
    courseCode: course.code,
    classA: classA.id,
    classB: classB.id,
    sessionA: sessionA.id,
    sessionB: sessionB.id,
    apiOffering: apiOffering.id,
    apiEnrolment: apiEnrolment.id,
    campA: campOne.campId,
    campB: campTwo.campId,
    project1: campOne.projects[0],
    project2: campOne.projects[1],
    projectB: campTwo.projects[0],
    briefB: campTwo.briefId,
    attachment1: campOne.attachments[0],
    attachment2: campOne.attachments[1],
    adjustmentA,
    adjustmentB,
    eligibilityCode: ruleSet.code,
    enrolmentB: enrolmentB.id,
    levelId: catalogue.levels[1].id,
    streetA: streetA.id,
    streetB: streetB.id,
    areaB: streetB.areaId,
    streetBCode: (await db.unit.findUniqueOrThrow({ where: { id: streetB.id }, select: { code: true } })).code,
    competencyId: catalogue.competencyIds[0],
    notificationA: notification.id,
    team1: await teamOf(campOne.projects[0]),
    team2: await teamOf(campOne.projects[1]),
    teamB: await teamOf(campTwo.projects[0]),
    transcriptCode: transcript.code,
    importA: await makeImportBatch(streetA.id, userIds.hrStreet),
    importB: await makeImportBatch(streetB.id, userIds.hrOtherStreet),
  };
});

/** An uploaded import batch of the unit's HR, its original file on disk. */
async function makeImportBatch(scopeUnitId: number, createdById: number) {
  const storedName = randomBytes(16).toString("hex");
  mkdirSync(path.join(dataDir, "imports"), { recursive: true });
  const content = "工号,姓名\nX1,某人\n";
  writeFileSync(path.join(dataDir, "imports", storedName), content);
  const batch = await db.importBatch.create({
    data: {
      kind: "people",
      fileName: "people.csv",
      storedName,
      fileSha256: createHash("sha256").update(content).digest("hex"),
      fileBytes: Buffer.byteLength(content),
      encoding: "utf-8",
      errorSummary: JSON.stringify({ headers: ["工号", "姓名"], issues: [], sample: [] }),
      rowCount: 1,
      scopeUnitId,
      createdById,
    },
  });
  return batch.id;
}

// ---------------------------------------------------------------- the tests

describe("the permission matrix", () => {
  it("has an entry for every route file, and loader/action entries match each module's exports", async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !(f in MATRIX)), "route files without a matrix entry").toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !files.includes(f)), "matrix entries without a route file").toEqual([]);
    const mismatches: string[] = [];
    for (const file of files) {
      const mod = await routeModule(file);
      if (typeof mod.loader !== "function") mismatches.push(`${file}: no loader`);
      if ((typeof mod.action === "function") !== (MATRIX[file].action !== undefined)) {
        mismatches.push(`${file}: action ${typeof mod.action === "function" ? "exported but not in the matrix" : "in the matrix but not exported"}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("derives URL patterns as Remix's flat routes do", () => {
    expect(routePattern("_index.tsx")).toBe("/");
    expect(routePattern("hr.people_.$employeeNo.tsx")).toBe("/hr/people/:employeeNo");
    expect(routePattern("trainer.camps.$campId.marks[.csv].ts")).toBe("/trainer/camps/:campId/marks.csv");
    expect(routePattern("trainer.sessions.$sessionId_.sheet.tsx")).toBe("/trainer/sessions/:sessionId/sheet");
    expect(routePattern("my.camp._index.tsx")).toBe("/my/camp");
  });

  for (const file of Object.keys(MATRIX).sort()) {
    const entry = MATRIX[file];
    const pattern = routePattern(file);
    for (const handler of ["loader", "action"] as const) {
      const check = entry[handler];
      if (check === undefined) continue;
      const label = handler === "loader" ? "GET" : (entry.actionMethod ?? "POST");
      it(`${label} ${pattern} (${file})`, async () => {
        const params = entry.params?.(fx) ?? {};
        const query = entry.query?.(fx) ?? "";
        const got: string[] = [];
        const want: string[] = [];
        for (const role of ROLES) {
          const response = await call(file, handler, role, params, query, {
            method: entry.actionMethod,
            fresh: entry.freshSession,
            form: handler === "action" ? entry.form?.(fx) : undefined,
            multipart: entry.multipart,
          });
          const verdict = verdictOf(response);
          const location = response.headers.get("Location");
          const shown = `${role}: ${verdict} (${response.status}${location ? ` → ${location}` : ""})`;
          if (check === "public") {
            // Anyone may call it: no 401, 403 or 404 (a redirect to /login is fine, e.g. after signing out).
            const refused = [401, 403, 404].includes(response.status);
            got.push(refused ? `${role}: refused (${response.status})` : `${role}: answered`);
            want.push(`${role}: answered`);
            continue;
          }
          const expected: Verdict = check.includes(role) ? "allowed" : "denied";
          got.push(verdict === expected ? `${role}: ${verdict}` : shown);
          want.push(`${role}: ${expected}`);
          if (role === "anonymous" && expected === "denied" && !anonymousDenialOk(pattern, response)) {
            got.push(`anonymous denial should be ${pattern.startsWith("/api/") ? "401" : "302 to /login"}: ${shown}`);
          }
        }
        expect(got).toEqual(want);
      });
    }
    if (entry.records?.length) {
      it(`records of ${pattern} (${file})`, async () => {
        const got: string[] = [];
        const want: string[] = [];
        for (const record of entry.records!) {
          const response = await call(file, record.handler, record.as, record.params(fx), record.query?.(fx) ?? "", {
            method: record.handler === "action" ? entry.actionMethod : undefined,
            form: record.form?.(fx),
            multipart: record.handler === "action" ? entry.multipart : undefined,
          });
          const verdict = record.deniedAs === undefined ? verdictOf(response) : response.status === record.deniedAs ? "denied" : verdictOf(response);
          const line = `${record.handler} as ${record.as} on ${record.what}`;
          got.push(verdict === record.expect ? `${line}: ${verdict}` : `${line}: ${verdict} (${response.status})`);
          want.push(`${line}: ${record.expect}`);
        }
        expect(got).toEqual(want);
      });
    }
  }

  it("wrote nothing for the refused per-record writes", async () => {
    expect(await db.prerequisiteWaiver.count({ where: { grantedById: fx.userIds.hrStreet } })).toBe(0);
    expect(await db.creditAdjustment.count({ where: { requestedById: fx.userIds.hrStreet } })).toBe(0);
    expect(await db.projectVersion.count({ where: { submittedById: fx.userIds.learner, project: { brief: { campId: fx.campB } } } })).toBe(0);
    expect(await db.appraisal.count({ where: { personId: fx.personB.id, recordedById: fx.userIds.hrStreet } })).toBe(0);
    const b = await db.creditAdjustment.findUniqueOrThrow({ where: { id: fx.adjustmentB }, select: { decidedById: true } });
    expect(b.decidedById).not.toBe(fx.userIds.hrStreet);
    const enrolment = await db.enrolment.findUniqueOrThrow({ where: { id: fx.enrolmentB }, select: { status: true } });
    expect(enrolment.status).toBe("enrolled");
  });

  it("POST /my/notifications marks only the caller's own notifications read", async () => {
    const response = await call("my.notifications.tsx", "action", "learnerOther", {}, "", { form: { intent: "read", notificationId: String(fx.notificationA) } });
    expect(verdictOf(response)).toBe("allowed");
    const row = await db.notification.findUniqueOrThrow({ where: { id: fx.notificationA }, select: { readAt: true } });
    expect(row.readAt).toBeNull();
  });

  it("DELETE /api/v1/offerings/:id/enrolments withdraws only the caller's own enrolment", async () => {
    const offeringId = String(fx.apiOffering);
    await db.enrolment.update({ where: { id: fx.apiEnrolment }, data: { status: "enrolled" } });
    const response = await call("api.v1.offerings.$offeringId.enrolments.ts", "action", "learnerOther", { offeringId }, "", { method: "DELETE" });
    expect(response.status).not.toBe(200);
    const row = await db.enrolment.findUniqueOrThrow({ where: { id: fx.apiEnrolment }, select: { status: true } });
    expect(row.status).toBe("enrolled");
    expect(await db.enrolment.count({ where: { offeringId: fx.apiOffering, personId: fx.personB.id } })).toBe(0);
  });
});
