// Fuzzed input (property-based, fast-check): every route module in app/routes that exports an
// action gets hostile requests — wrong types, 100 KB strings, Unicode (RTL overrides, zero
// width, emoji, NUL, lone surrogates), -1, 1e309, NaN, Infinity, smuggled fields (role=admin,
// amount=999999, someone else's personId), repeated parameters, hostile URL parameters and
// query strings, and bodies in every encoding (urlencoded, multipart with files where text is
// expected, JSON, text/plain, none, broken multipart) — as every role, with real sessions, on
// the demo database. Every loader of the JSON API (and, with fewer runs, every other loader)
// gets hostile query strings and headers. Properties, per request:
//   1. never a 5xx and never an exception (which Remix would answer with 500);
//   2. a clear error: 4xx thrown to the error page only with a status it explains, or
//      returned with field/form errors whose message keys exist; the API's { error: { code,
//      message } }; redirects only within the site;
//   3. the database unchanged, checked row by row by triggers on every table (see
//      installChangeLog).
// Routes are found by listing app/routes, so a route added later is fuzzed too; its field names
// and intents are read from its source (surfaceOf), no table needed.
//
// Valid by chance: the values are hostile, but some are valid free text ("NaN" is a fine
// reason) and a few forms have no required field at all (a button), so a generated request can
// be a legitimate write. Rather than weaken the values until nothing can ever be valid, the
// test keeps property 3 strict and lists, in WRITES below, the few route/intent pairs that are
// field-less buttons, each with its reason; for those a write is accepted only when the actor
// is one the route lets in (the loader's answer) and only on the listed tables. A new route
// whose fuzzing writes fails here until someone looks at it.
//
// Excluded from the change log, with reasons: Session (reading a page refreshes lastSeenAt;
// sign-out revokes), ThrottleBucket and RateLimitBucket (failed sign-ins and API calls are
// counted by design).
//
// Runs: FUZZ_RUNS per action (default 30), a third of that per loader; the seed is fixed per
// route (FUZZ_SEED, default below) and printed by fast-check on failure with the shrunk case.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import bcrypt from "bcryptjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "~/seed/demo.server";
import { hasNulInUrl, nulRefusal } from "../../server/nul-in-url";
import { db } from "~/utils/db.server";
import {
  buildRequest,
  describeAttempt,
  ENCODINGS,
  hostileValue,
  installChangeLog,
  outcomeOf,
  problemWith,
  queryArbitrary,
  surfaceOf,
  takeChanges,
  bodyArbitrary,
  type Attempt,
  type Body,
  type Surface,
} from "../support/fuzz";
import { fillPattern, routeFiles, routePattern, ROUTES_DIR, verdictOf } from "../support/permission-matrix";
import { BASE, getRequest, sessionCookieFor, settle } from "../support/requests";

const dataDir = mkdtempSync(path.join(tmpdir(), "lane-fuzz-"));
process.env.DATA_DIR = dataDir;

const APP_DIR = path.resolve(__dirname, "../../app");
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const EXCLUDED_TABLES = ["Session", "ThrottleBucket", "RateLimitBucket"];

const ROLES = ["anonymous", "learner", "trainer", "trainerOther", "hrStreet", "hrDistrict", "admin"] as const;
type Role = (typeof ROLES)[number];
const DEMO_ACCOUNTS: Record<Exclude<Role, "anonymous">, string> = {
  learner: "secretary",
  trainer: "trainer",
  trainerOther: "trainer2",
  hrStreet: "hr-street",
  hrDistrict: "hr",
  admin: "admin",
};

/**
 * Forms whose fields are all free text or absent, so hostile values can be valid (see the
 * header): a write is accepted for these intents ("any": the form is a bare button), by these
 * roles (as in the permission matrix), answered below 400, on these tables only.
 */
const WRITES: Record<string, { intents: "any" | string[]; roles: Role[]; tables: string[]; why: string }> = {
  "trainer.classes.$offeringId.tsx": {
    // trainer2 is on the staff of the demo camp whose class this is; a camp's staff may complete it.
    roles: ["trainer", "trainerOther"],
    intents: "any",
    tables: ["Offering", "Enrolment", "AuditEvent", "LedgerEntry", "LedgerCompetency", "CreditSummary", "CreditCompetencySummary", "Notification", "CreditYear"],
    why: "completing the class is a button without fields (completing it again only re-locks each enrolment: updatedAt)",
  },
  "hr.classes.$offeringId.tsx": {
    roles: ["hrStreet", "hrDistrict", "admin"],
    intents: ["complete"],
    tables: ["Offering", "Enrolment", "AuditEvent", "LedgerEntry", "LedgerCompetency", "CreditSummary", "CreditCompetencySummary", "Notification", "CreditYear"],
    why: "HR's \"complete the class\" is a button without fields",
  },
  "hr.promotions.$year.tsx": {
    roles: ["hrDistrict", "admin"],
    intents: ["refresh", "confirm"],
    tables: ["PromotionRound", "PromotionProposal", "GradeRecord", "Person", "AuditEvent", "Notification"],
    why: "refreshing and confirming a round are buttons without fields",
  },
  "manage.competencies.tsx": {
    roles: ["hrStreet", "hrDistrict", "admin"],
    intents: ["create-draft", "discard-draft", "rename-draft", "publish"],
    tables: ["CompetencyFramework", "Competency", "CourseCompetency", "AuditEvent"],
    why: "a draft framework is created, renamed, published or discarded with free text (names, an optional or required reason) only",
  },
  "trainer.grading.$projectId.tsx": {
    roles: ["trainer", "trainerOther"],
    intents: ["save", "autosave"],
    tables: ["Mark", "MarkScore", "MarkEvent"],
    why: "a draft mark may be saved with every criterion still blank and a free-text note",
  },
  "manage.courses.$courseId.tsx": {
    roles: ["hrStreet", "hrDistrict", "admin"],
    intents: ["archive", "unarchive"],
    tables: ["Course", "AuditEvent"],
    why: "archiving a course takes only a free-text reason",
  },
  "trainer.camps.$campId.teams.tsx": {
    roles: ["trainer", "trainerOther"],
    intents: ["create"],
    tables: ["Team", "AuditEvent"],
    why: "a team is created with a free-text name only (the camp's lead and mentors)",
  },
  "trainer.camps.$campId._index.tsx": {
    roles: ["trainer"],
    intents: ["close", "reopen"],
    tables: ["Camp", "AuditEvent"],
    why: "the lead closes and reopens the camp with a free-text reason only",
  },
  "trainer.camps.$campId.rubric.tsx": {
    roles: ["trainer"],
    intents: ["saveTemplate"],
    tables: ["Rubric", "RubricCriterion", "RubricLevel", "AuditEvent"],
    why: "the lead keeps the camp's rubric as a template with a free-text name only",
  },
  "my.transcript[.pdf].ts": { roles: ["learner"], intents: "any", tables: ["TranscriptIssue", "AuditEvent"], why: "issuing one's own transcript is a button without fields" },
  "hr.people_.$employeeNo_.transcript[.pdf].ts": { roles: ["hrStreet", "hrDistrict", "admin"], intents: "any", tables: ["TranscriptIssue", "AuditEvent"], why: "issuing a person's transcript is a button without fields" },
};

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, never> }) => Promise<unknown>;
type RouteModule = { loader?: Handler; action?: Handler };

let userIds: Record<Exclude<Role, "anonymous">, number>;
/** Real values for each URL parameter name, so a route gets past its lookup to its parsing. */
let paramValues: Record<string, string>;
/** Values that look right to a schema: real ids of this database, someone else's included. */
let plausible: string[];

async function cookieFor(role: Role) {
  return role === "anonymous" ? undefined : sessionCookieFor(userIds[role]);
}

const seedFor = (label: string) => {
  let h = BASE_SEED;
  for (const ch of label) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
};

beforeAll(async () => {
  mkdirSync(path.join(dataDir, "attachments"), { recursive: true });
  mkdirSync(path.join(dataDir, "evidence"), { recursive: true });
  await seedDemo(db, { passwordHash: bcrypt.hashSync("fuzz-password", 4) });
  const users = await db.user.findMany({ where: { username: { in: Object.values(DEMO_ACCOUNTS) } }, select: { id: true, username: true } });
  const idOf = (username: string) => users.find((u) => u.username === username)!.id;
  userIds = Object.fromEntries(Object.entries(DEMO_ACCOUNTS).map(([role, username]) => [role, idOf(username)])) as typeof userIds;

  // The eligibility rule sets are seeded on the first read of their list.
  const { loader: ruleSets } = (await import("~/routes/hr.eligibility._index")) as RouteModule;
  await settle(() => ruleSets!({ request: getRequest("/hr/eligibility", undefined), params: {}, context: {} }));
  await settle(async () => ruleSets!({ request: getRequest("/hr/eligibility", await cookieFor("admin")), params: {}, context: {} }));

  const trainerId = userIds.trainer;
  const learner = await db.user.findUniqueOrThrow({ where: { id: userIds.learner }, select: { personId: true } });
  const camp = await db.campStaff.findFirst({ where: { userId: trainerId, role: "lead" }, select: { campId: true } });
  const project = camp ? await db.project.findFirst({ where: { team: { campId: camp.campId } }, select: { id: true } }) : null;
  const offering = await db.offering.findFirst({ where: { trainerId }, orderBy: { id: "desc" }, select: { id: true } });
  const session = offering ? await db.classSession.findFirst({ where: { offeringId: offering.id }, select: { id: true } }) : null;
  const course = await db.course.findFirst({ orderBy: { id: "asc" }, select: { id: true, code: true } });
  const person = await db.person.findFirst({ where: { id: { not: learner.personId ?? 0 } }, orderBy: { id: "asc" }, select: { id: true, employeeNo: true } });
  const other = await db.person.findFirst({ orderBy: { id: "desc" }, select: { id: true, employeeNo: true } });
  const ruleSet = await db.eligibilityRuleSet.findFirst({ select: { code: true } });
  const adjustment = await db.creditAdjustment.findFirst({ select: { id: true } });
  const attachment = await db.attachment.findFirst({ select: { id: true } });
  const year = String(new Date().getUTCFullYear());
  paramValues = {
    offeringId: String(offering?.id ?? 1),
    sessionId: String(session?.id ?? 1),
    campId: String(camp?.campId ?? 1),
    projectId: String(project?.id ?? 1),
    courseId: String(course?.id ?? 1),
    courseCode: course?.code ?? "CN-L1-01",
    employeeNo: person?.employeeNo ?? "1",
    code: ruleSet?.code ?? "x",
    year,
    adjustmentId: String(adjustment?.id ?? 1),
    attachmentId: String(attachment?.id ?? 1),
  };
  // Not the URL parameters' values nor user ids: a real session id of the class under test, say,
  // would make "remove this session" a valid request, a user id "reset this password".
  plausible = [
    ...new Set([
      paramValues.year,
      paramValues.employeeNo,
      String(learner.personId ?? 1),
      String(other?.id ?? 1),
      other?.employeeNo ?? "1",
      String(Number(year) - 1),
      String(Number(year) + 1),
      "1",
      "2",
    ]),
  ];
  await installChangeLog(EXCLUDED_TABLES);
}, 120_000);

const modules = new Map<string, RouteModule>();
async function routeModule(file: string): Promise<RouteModule> {
  let mod = modules.get(file);
  if (!mod) {
    mod = (await import(/* @vite-ignore */ `../../app/routes/${file}`)) as RouteModule;
    modules.set(file, mod);
  }
  return mod;
}

/** The roles the route's loader lets in: the fuzzer's insiders, who get past the guard to the parsing. */
const insiderCache = new Map<string, Role[]>();
async function insidersOf(file: string, params: Record<string, string>): Promise<Role[]> {
  const cached = insiderCache.get(file);
  if (cached) return cached;
  const mod = await routeModule(file);
  if (!mod.loader) return [];
  const url = fillPattern(routePattern(file), params);
  const insiders: Role[] = [];
  for (const role of ROLES) {
    const response = await settle(async () => mod.loader!({ request: getRequest(url, await cookieFor(role)), params, context: {} })).catch(() => null);
    if (response && verdictOf(response) === "allowed") insiders.push(role);
  }
  await takeChanges();
  insiderCache.set(file, insiders);
  return insiders;
}

function paramNames(pattern: string) {
  return [...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Calls the handler as the server would: a URL with a NUL never reaches a route (server/index.ts
 * answers 400 first, see server/nul-in-url.ts), so it is answered here the same way.
 */
async function answer(fn: Handler, attempt: Attempt, role: Role, params: Record<string, string>) {
  if (hasNulInUrl(attempt.url)) {
    const path = new URL(attempt.url, BASE).pathname;
    const refusal = nulRefusal(path);
    return { status: refusal.status, thrown: !path.startsWith("/api/"), location: null, contentType: refusal.contentType, text: refusal.body };
  }
  const request = buildRequest(attempt, await cookieFor(role));
  return outcomeOf(() => fn({ request, params, context: {} }));
}

type Case = { role: Role; attempt: Attempt; params: Record<string, string> };

/** The arbitrary of one request to a route: who, where (real or hostile URL parameters), what and how. */
function caseArbitrary(file: string, handler: "loader" | "action", surface: Surface, insiders: Role[]): fc.Arbitrary<Case> {
  const pattern = routePattern(file);
  const names = paramNames(pattern);
  const api = pattern.startsWith("/api/");
  const role = insiders.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...insiders) }, { weight: 1, arbitrary: fc.constantFrom(...ROLES) }) : fc.constantFrom(...ROLES);
  const params = fc.tuple(...names.map((name) => fc.oneof({ weight: 3, arbitrary: fc.constant(paramValues[name] ?? "1") }, { weight: 1, arbitrary: hostileValue() })));
  const headers = fc.record(
    {
      "Accept-Language": fc.oneof(fc.constantFrom("en", "zh-CN", "xx", "*", ""), hostileValue().map((v) => v.replace(/[^\x20-\x7e]/g, "").slice(0, 200))),
      Authorization: fc.constantFrom("Bearer ", "Bearer lane_0000000000", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x".repeat(5000)),
      Accept: fc.constantFrom("application/json", "text/html", "*/*"),
    },
    { requiredKeys: [] },
  );
  const method = handler === "loader" ? fc.constant("GET") : api ? fc.constantFrom("POST", "DELETE", "PUT", "PATCH") : fc.oneof({ weight: 5, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom("PUT", "PATCH", "DELETE") });
  return fc
    .record({
      role,
      params,
      query: fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 1, arbitrary: queryArbitrary(surface, plausible) }),
      loaderQuery: queryArbitrary(surface, plausible),
      method,
      encoding: api ? fc.constantFrom("json", "urlencoded", "text", "empty", "multipart" as const) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom("urlencoded", "multipart" as const) }, { weight: 3, arbitrary: fc.constantFrom(...ENCODINGS) }),
      body: bodyArbitrary(surface, plausible),
      headers,
    })
    .map(({ role, params: values, query, loaderQuery, method, encoding, body, headers }) => {
      // A URL can only carry well-formed UTF-8: a lone surrogate arrives as U+FFFD.
      const filled = Object.fromEntries(names.map((name, i) => [name, values[i].replace(LONE_SURROGATE, "\uFFFD")]));
      const url = fillPattern(pattern, filled) + (handler === "loader" ? loaderQuery : query);
      return { role, params: filled, attempt: { method, url, encoding, body, headers: api || handler === "loader" ? headers : {} } };
    });
}

async function fuzz(file: string, handler: "loader" | "action", runs: number) {
  const mod = await routeModule(file);
  const fn = mod[handler]!;
  const pattern = routePattern(file);
  const api = pattern.startsWith("/api/");
  const surface = surfaceOf(path.join(ROUTES_DIR, file), APP_DIR);
  const realParams = Object.fromEntries(paramNames(pattern).map((n) => [n, paramValues[n] ?? "1"]));
  const insiders = await insidersOf(file, realParams);
  const allowedWrites = handler === "action" ? WRITES[file] : undefined;
  const seed = seedFor(`${handler} ${file}`);
  await takeChanges();
  const details = await fc.check(
    fc.asyncProperty(caseArbitrary(file, handler, surface, insiders), async ({ role, attempt, params }) => {
      const outcome = await answer(fn, attempt, role, params);
      const changes = await takeChanges();
      const what = describeAttempt(attempt, role);
      if ("crash" in outcome) {
        const error = outcome.crash as Error;
        throw new Error(`crashed (Remix answers 500): ${what}\n${error?.stack ?? String(error)}`);
      }
      const problem = problemWith(outcome, { api, loader: handler === "loader" });
      if (problem) throw new Error(`${problem}\n  ${what}`);
      if (changes.length > 0) {
        const intent = attempt.body.find(([k]) => k === "intent")?.[1];
        const legit =
          allowedWrites !== undefined &&
          (allowedWrites.intents === "any" || (intent !== undefined && allowedWrites.intents.includes(intent))) &&
          allowedWrites.roles.includes(role) &&
          outcome.status < 400 &&
          changes.every((c) => allowedWrites.tables.includes(c.split(" ")[0]));
        if (!legit) throw new Error(`changed the database (${changes.join(", ")}), answered ${outcome.status}\n  ${what}`);
      }
    }),
    { numRuns: runs, seed, endOnFailure: process.env.FUZZ_SHRINK !== "1" },
  );
  // fast-check's own report prints the 100 KB values in full; this one abbreviates them.
  if (details.failed) {
    const error = details.errorInstance as Error | undefined;
    throw new Error(
      `${handler} of ${file} failed after ${details.numRuns} run(s) (replay: FUZZ_SEED=${BASE_SEED}, fast-check seed ${details.seed}, path "${details.counterexamplePath}"):\n${error?.message ?? String(details.errorInstance)}`,
    );
  }
}

// ---------------------------------------------------------------- the tests

const FILES = routeFiles();

/**
 * Run time in CI is bounded (the whole file about a minute per dialect on two cores): every
 * action gets RUNS requests, an API loader too; a page loader only reads its query string, so a
 * fifth of that, and a document (PDF, ZIP, XLSX, which takes a second to draw) two.
 */
function loaderRuns(file: string, pattern: string) {
  if (pattern.startsWith("/api/")) return RUNS;
  if (/\[\.(pdf|zip|xlsx)\]/.test(file)) return 2;
  return Math.max(3, Math.round(RUNS / 5));
}
/** Actions whose every accepted request does heavy work (completing a class recomputes its credits): fewer runs. */
const SLOW_ACTIONS: Record<string, number> = { "trainer.classes.$offeringId.tsx": 0.3 };

describe("fuzzed input", () => {
  it("finds the route modules and the surfaces of their forms", async () => {
    expect(FILES.length).toBeGreaterThan(40);
    const actions: string[] = [];
    for (const file of FILES) if ((await routeModule(file)).action) actions.push(file);
    expect(actions.length).toBeGreaterThan(25);
    // The regex reading finds the fields of a known form (the adjustment request).
    const surface = surfaceOf(path.join(ROUTES_DIR, "hr.adjustments.new.tsx"), APP_DIR);
    expect(surface.fields).toEqual(expect.arrayContaining(["employeeNo", "amount", "reason", "evidence"]));
    for (const file of Object.keys(WRITES)) expect(FILES, `WRITES names ${file}`).toContain(file);
  });

  it("notices a write and a crash (the properties can fail)", async () => {
    await db.setting.upsert({ where: { key: "fuzz.selftest" }, create: { key: "fuzz.selftest", value: "1" }, update: { value: "2" } });
    expect((await takeChanges()).join()).toMatch(/^Setting (insert|update)×1$/);
    expect(problemWith({ status: 500, thrown: true, location: null, contentType: "text/plain", text: "boom" }, { api: false, loader: false })).toMatch(/500/);
    expect(problemWith({ status: 409, thrown: true, location: null, contentType: "text/plain", text: "x" }, { api: false, loader: false })).toMatch(/something went wrong/);
    expect(problemWith({ status: 400, thrown: false, location: null, contentType: "application/json", text: '{"formError":"no.suchKey"}' }, { api: false, loader: false })).toMatch(/lacks/);
    expect(problemWith({ status: 302, thrown: true, location: "//evil.example", contentType: "", text: "" }, { api: false, loader: false })).toMatch(/off the site/);
    expect(problemWith({ status: 400, thrown: false, location: null, contentType: "application/json", text: '{"fieldErrors":{"x":"errors.required"}}' }, { api: false, loader: false })).toBeNull();
  });

  // PostgreSQL refuses NUL in text ("invalid byte sequence for encoding UTF8: 0x00"), SQLite stores
  // it: a NUL that reaches a query is a 500 on one dialect and a stored control character on the
  // other. Random runs rarely put one in every place, so this sweep does, deterministically: each
  // URL parameter, every query value and every form field (with each intent the route knows); and
  // the same with 2^31, past the range of an integer id.
  it("NUL and 2^31 in every URL parameter, query value and form field: never a 5xx, nothing written", async () => {
    // 2^31: one past the largest id PostgreSQL's integer columns hold ("value out of range": 500).
    const VALUES = ["a\u0000b", "2147483648"];
    const failures: string[] = [];
    for (const file of FILES) {
      const mod = await routeModule(file);
      const pattern = routePattern(file);
      const names = paramNames(pattern);
      const real = Object.fromEntries(names.map((n) => [n, paramValues[n] ?? "1"]));
      const surface = surfaceOf(path.join(ROUTES_DIR, file), APP_DIR);
      const insiders = (await insidersOf(file, real)).filter((r) => r !== "anonymous");
      const attempts: { handler: "loader" | "action"; params: Record<string, string>; attempt: Attempt }[] = [];
      for (const value of VALUES) {
        const query = `?${new URLSearchParams(["q", "page", "cursor", "year", "status", "brief", "project", "code", ...surface.fields].map((n) => [n, value])).toString()}`;
        const get = (params: Record<string, string>, q: string): Attempt => ({ method: "GET", url: fillPattern(pattern, params) + q, encoding: "urlencoded", body: [], headers: {} });
        if (mod.loader) {
          for (const n of names) attempts.push({ handler: "loader", params: { ...real, [n]: value }, attempt: get({ ...real, [n]: value }, "") });
          attempts.push({ handler: "loader", params: real, attempt: get(real, query) });
        }
        if (mod.action) {
          for (const n of names) attempts.push({ handler: "action", params: { ...real, [n]: value }, attempt: { ...get({ ...real, [n]: value }, ""), method: "POST" } });
          for (const intent of [undefined, ...surface.choices]) {
            const body: Body = [...(intent ? [["intent", intent] as [string, string]] : []), ...surface.fields.map((f) => [f, value] as [string, string])];
            attempts.push({ handler: "action", params: real, attempt: { method: "POST", url: fillPattern(pattern, real), encoding: "urlencoded", body, headers: {} } });
          }
        }
      }
      for (const role of insiders.length ? insiders : (["admin"] as Role[])) {
        for (const { handler, params, attempt } of attempts) {
          const outcome = await answer(mod[handler]!, attempt, role, params);
          const changes = await takeChanges();
          const intent = attempt.body.find(([k]) => k === "intent")?.[1];
          const allowed = WRITES[file];
          const legit =
            handler === "action" &&
            allowed !== undefined &&
            allowed.roles.includes(role) &&
            (allowed.intents === "any" || (intent !== undefined && allowed.intents.includes(intent))) &&
            changes.every((c) => allowed.tables.includes(c.split(" ")[0]));
          if ("crash" in outcome) failures.push(`${describeAttempt(attempt, role)}: ${String((outcome.crash as Error)?.message ?? outcome.crash).replace(/\s+/g, " ").trim().slice(-200)}`);
          else if (outcome.status >= 500) failures.push(`${describeAttempt(attempt, role)}: ${outcome.status}`);
          else if (changes.length && !legit) failures.push(`${describeAttempt(attempt, role)}: wrote ${changes.join(", ")}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  for (const file of FILES) {
    const pattern = routePattern(file);
    it(`${pattern} (${file})`, async () => {
      const mod = await routeModule(file);
      if (mod.action) await fuzz(file, "action", Math.max(3, Math.round(RUNS * (SLOW_ACTIONS[file] ?? 1))));
      if (mod.loader) await fuzz(file, "loader", loaderRuns(file, pattern));
      expect(await takeChanges()).toEqual([]);
    }, 120_000);
  }
});
