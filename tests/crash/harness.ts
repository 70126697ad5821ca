// Crash safety: the real server (`node --import tsx server/index.ts`) on a demo database gets
// enrolment bursts (enrol and withdraw through the JSON API), grading saves (the marking form
// of the demo camp) and, once, the closing of an ended class (completions and credits for a
// whole roster in one transaction), and is killed with SIGKILL at a random moment while they
// are in flight. It is then restarted on the same database and checked:
//
//   - the server comes back (migrations, seed check and /healthz after the crash);
//   - SQLite: PRAGMA integrity_check = ok and no foreign key violations;
//   - every write that was acknowledged (2xx) is there, as acknowledged, unless a later request
//     for the same thing was sent (its outcome is unknown, so either state is right);
//   - nothing half-written: a class is closed with every credit of its roster or with none;
//   - invariants: seats taken = enrolled learners ≤ capacity, one enrolment per person and
//     class, waiting-list numbers unique, one ledger entry per source key, and the credit
//     summaries (kept by triggers) equal the ledger, per person, year and category and per
//     competency.
//
// Used by tests/integration/crash-safety.db.test.ts (2–3 kills on each database) and by
// bench/crash-loop.ts (`npm run bench`, at least 20 kills). Talks to the database with plain
// drivers (better-sqlite3, pg) so it runs inside a test or on its own.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEMO_PASSWORD = "lane-demo";

export type Dialect = "sqlite" | "postgresql";
type Row = Record<string, unknown>;

// ------------------------------------------------------------------ database access

/** A read-only window on the database the server writes, the same SQL for both dialects. */
export type Inspector = { dialect: Dialect; all: (sql: string) => Promise<Row[]>; close: () => Promise<void> };

export async function openInspector(databaseUrl: string): Promise<Inspector> {
  if (databaseUrl.startsWith("file:")) {
    const file = databaseUrl.slice("file:".length).split("?")[0];
    return {
      dialect: "sqlite",
      // A fresh connection for every look: it must see what the (restarted) server wrote, and
      // must not hold the file open while the server is killed and recovers its WAL.
      all: async (sql) => {
        const conn = new Database(file, { readonly: true, fileMustExist: true });
        try {
          return conn.prepare(sql).all() as Row[];
        } finally {
          conn.close();
        }
      },
      close: async () => {},
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    dialect: "postgresql",
    all: async (sql) => (await client.query(sql)).rows as Row[],
    close: () => client.end(),
  };
}

const num = (value: unknown) => Number(value);
const time = (value: unknown) => (value instanceof Date ? value.getTime() : new Date(String(value)).getTime());

// ------------------------------------------------------------------ the server

/** The newest modification time of any file under a folder. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** How long to wait for the shared build lock before failing with a clear message. */
const BUILD_LOCK_WAIT_SECONDS = 600;

/**
 * The server serves build/: build it when it is missing or older than the app's sources (under
 * the shared build lock, so it never races the browser tests' build). Asynchronous on purpose:
 * waiting for the lock (another build, the browser tests) must not block the test worker's event
 * loop, or Vitest's worker RPC times out ("Timeout calling onTaskUpdate") and fails the run.
 * Never call it while holding /tmp/lane-e2e.lock yourself: flock would wait for itself.
 */
export async function ensureBuild(): Promise<void> {
  const built = path.join(ROOT, "build", "index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(path.join(ROOT, "app"))) return;
  // Checked again inside the lock: a parallel test file may have just built it, and building
  // again would rewrite build/ under a server that is starting from it.
  const ifStale = 'test -f build/index.js && [ -z "$(find app -newer build/index.js -print -quit)" ] || npm run build --silent';
  const child = spawn("flock", ["-w", String(BUILD_LOCK_WAIT_SECONDS), "/tmp/lane-e2e.lock", "sh", "-c", ifStale], {
    cwd: ROOT,
    // A test runner's NODE_ENV=test would make a development build (jsxDEV), which the
    // production server cannot render.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (status !== 0) {
    throw new Error(
      status === 1 && !stderr
        ? `npm run build: /tmp/lane-e2e.lock still held after ${BUILD_LOCK_WAIT_SECONDS} s (a stuck build or browser test?)`
        : `npm run build failed: ${stderr}`,
    );
  }
}

export type ServerOptions = { databaseUrl: string; port: number; dataDir: string; sessionSecret: string; label: string };
export type RunningServer = { url: string; child: ChildProcess; exited: Promise<void>; logFile: string };

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, `${options.label}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      SESSION_SECRET: options.sessionSecret,
      PORT: String(options.port),
      HOST: "127.0.0.1",
      // The demo seed on the first start; its passwords hashed cheaply so sign-in is quick.
      SEED_DEMO: "auto",
      BCRYPT_COST: "4",
      LOG_LEVEL: "warn",
      DATA_DIR: path.join(options.dataDir, "data"),
      DATABASE_POOL_SIZE: "6",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => log.end());
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server was not healthy within 120 s:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  return { url, child, exited, logFile };
}

export async function killHard(server: RunningServer) {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  await server.exited;
}

function tail(file: string, lines = 15) {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Bulk import (app/imports) is part of the build when its page answers. */
async function importsAvailable(url: string, cookie: string) {
  const response = await fetch(`${url}/hr/imports`, { headers: { cookie }, redirect: "manual" });
  return response.status === 200;
}

/** The credit year of today in Shanghai (UTC+8, no daylight saving). */
const shanghaiYear = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------ the workload

type Learner = { personId: number; cookie: string };
type Marker = { userId: number; cookie: string };
type Criterion = { id: number; levels: number[] };
export type Workload = {
  learners: Learner[];
  offerings: number[];
  markers: Marker[];
  projects: number[];
  criteria: Criterion[];
  closable: { offeringId: number; trainerCookie: string } | null;
  /** Small credit adjustments (booked at once, below the four-eyes threshold) by district HR. */
  adjust: { hrCookie: string; employeeNos: string[]; competencyId: number; creditYear: number } | null;
  /** Bulk imports of historic credits (upload, dry run, commit) by the same HR officer. */
  imports: { competencyCode: string } | null;
};

async function signIn(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password: DEMO_PASSWORD }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: HTTP ${response.status}`);
  return cookie;
}

/** What the demo offers to write to now: open classes, learners, the camp's markers and rubric. */
export async function prepareWorkload(url: string, db: Inspector, learnerCount = 60): Promise<Workload> {
  const now = Date.now();
  const offerings = (
    await db.all(`SELECT "id", "enrolOpensAt", "enrolClosesAt" FROM "Offering" WHERE "status" = 'published' AND "needsApproval" = ${db.dialect === "sqlite" ? 0 : "false"}`)
  )
    .filter((o) => time(o.enrolOpensAt) <= now && now < time(o.enrolClosesAt))
    .map((o) => num(o.id));
  if (offerings.length === 0) throw new Error("the demo has no class open for enrolment");

  const learnerRows = await db.all(
    `SELECT "username", "personId" FROM "User" WHERE "role" = 'learner' AND "personId" IS NOT NULL ORDER BY "id" LIMIT ${learnerCount}`,
  );
  const learners: Learner[] = [];
  for (const row of learnerRows) learners.push({ personId: num(row.personId), cookie: await signIn(url, String(row.username)) });

  const camp = (await db.all(`SELECT "id" FROM "Camp" WHERE "status" IN ('open', 'grading') ORDER BY "id" LIMIT 1`))[0];
  let markers: Marker[] = [];
  let projects: number[] = [];
  let criteria: Criterion[] = [];
  if (camp) {
    const staff = await db.all(`SELECT s."userId", u."username" FROM "CampStaff" s JOIN "User" u ON u."id" = s."userId" WHERE s."campId" = ${num(camp.id)}`);
    markers = [];
    for (const s of staff) markers.push({ userId: num(s.userId), cookie: await signIn(url, String(s.username)) });
    projects = (
      await db.all(`SELECT p."id" FROM "Project" p JOIN "Team" t ON t."id" = p."teamId" WHERE t."campId" = ${num(camp.id)} ORDER BY p."id"`)
    ).map((p) => num(p.id));
    const levels = await db.all(
      `SELECT c."id" AS "criterionId", l."id" AS "levelId" FROM "Rubric" r
         JOIN "RubricCriterion" c ON c."rubricId" = r."id" JOIN "RubricLevel" l ON l."criterionId" = c."id"
        WHERE r."campId" = ${num(camp.id)} ORDER BY c."id", l."id"`,
    );
    const byCriterion = new Map<number, number[]>();
    for (const l of levels) byCriterion.set(num(l.criterionId), [...(byCriterion.get(num(l.criterionId)) ?? []), num(l.levelId)]);
    criteria = [...byCriterion].map(([id, ids]) => ({ id, levels: ids }));
  }

  // An ended class of a trainer, not yet closed, with learners: closing it books their credits.
  const ended = (
    await db.all(
      `SELECT o."id", o."endsAt", u."username" FROM "Offering" o JOIN "User" u ON u."id" = o."trainerId"
        WHERE o."status" = 'published' AND EXISTS (SELECT 1 FROM "Enrolment" e WHERE e."offeringId" = o."id" AND e."status" = 'enrolled')`,
    )
  ).find((o) => time(o.endsAt) < now);
  const closable = ended ? { offeringId: num(ended.id), trainerCookie: await signIn(url, String(ended.username)) } : null;

  const [hr] = await db.all(`SELECT "username" FROM "User" WHERE "role" = 'hr' AND "scopeUnitId" IS NOT NULL ORDER BY CASE WHEN "username" = 'hr' THEN 0 ELSE 1 END, "id" LIMIT 1`);
  const [competency] = await db.all(
    `SELECT c."id", c."code" FROM "Competency" c JOIN "CompetencyFramework" f ON f."id" = c."frameworkId" WHERE f."status" = 'active' ORDER BY c."id" LIMIT 1`,
  );
  const employeeNos = learnerRows.length
    ? (await db.all(`SELECT p."employeeNo" FROM "Person" p WHERE p."id" IN (${learnerRows.map((r) => num(r.personId)).join(",")})`)).map((r) => String(r.employeeNo))
    : [];
  const adjust =
    hr && competency && employeeNos.length
      ? { hrCookie: await signIn(url, String(hr.username)), employeeNos, competencyId: num(competency.id), creditYear: shanghaiYear() }
      : null;
  const imports = adjust && (await importsAvailable(url, adjust.hrCookie)) ? { competencyCode: String(competency.code) } : null;
  return { learners, offerings, markers, projects, criteria, closable, adjust, imports };
}

// ------------------------------------------------------------------ what was sent and acknowledged

type Op = { seq: number; acked: boolean };
type EnrolOp = Op & { kind: "enrol" | "withdraw"; enrolmentId?: number };
type MarkOp = Op & { levels: Record<number, number> };

/** Per thing written, every request in the order sent; the state must match the last ack or a later send. */
export class Ledger {
  private seq = 0;
  enrolments = new Map<string, EnrolOp[]>();
  marks = new Map<string, MarkOp[]>();
  closeAcked = false;
  closeSent = false;
  /** Adjustment ids whose creation was acknowledged (redirect to ?recorded=<id>). */
  adjustments: number[] = [];
  /** Import batches: the note tag of their rows, how many, and whether "committed" was seen. */
  imports: { batchId: number; tag: string; rows: number; committedSeen: boolean }[] = [];
  /** Commits of imports that were started (their commit request answered). */
  commitsStarted = 0;
  acknowledged = 0;
  /** Acknowledged writes by kind. */
  acks: Record<string, number> = { enrol: 0, withdraw: 0, mark: 0, adjustment: 0, close: 0, import: 0 };
  /** Requests on the wire right now. */
  pending = 0;
  sent = 0;
  refused = 0;
  /** What was refused, by request and status (the rules said no: nothing written). */
  refusals: Record<string, number> = {};
  refuse(what: string, answer: Answer) {
    this.refused++;
    const key = `${what} ${answer.status}`;
    this.refusals[key] = (this.refusals[key] ?? 0) + 1;
  }
  /** Answers 5xx while the server was up: a bug, whatever the checks say. */
  serverErrors = 0;
  next() {
    this.sent++;
    return ++this.seq;
  }
}

const pairKey = (a: number, b: number) => `${a}:${b}`;
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

type Answer = { status: number; body: string; location: string | null };

async function send(ledger: Ledger, url: string, init: RequestInit): Promise<Answer | null> {
  ledger.pending++;
  try {
    const response = await fetch(url, { ...init, redirect: "manual" });
    if (response.status >= 500) ledger.serverErrors++;
    return { status: response.status, body: await response.text(), location: response.headers.get("location") };
  } catch {
    return null; // the server died with this request in flight: outcome unknown
  } finally {
    ledger.pending--;
  }
}

/** Random writes, `concurrency` at a time, until `stop()` resolves (the kill). */
export async function drive(url: string, work: Workload, ledger: Ledger, concurrency: number, stopped: () => boolean) {
  const inFlight = new Set<string>(); // one request at a time per thing, so "later" is well defined

  async function enrolOrWithdraw() {
    const learner = pick(work.learners);
    const offeringId = pick(work.offerings);
    const key = pairKey(offeringId, learner.personId);
    if (inFlight.has(key)) return;
    inFlight.add(key);
    const history = ledger.enrolments.get(key) ?? [];
    ledger.enrolments.set(key, history);
    const last = history.at(-1);
    const op: EnrolOp = { seq: ledger.next(), acked: false, kind: last?.kind === "enrol" && Math.random() < 0.5 ? "withdraw" : "enrol" };
    history.push(op);
    const answer = await send(ledger, `${url}/api/v1/offerings/${offeringId}/enrolments`, {
      method: op.kind === "enrol" ? "POST" : "DELETE",
      headers: { cookie: learner.cookie, accept: "application/json" },
    });
    inFlight.delete(key);
    if (answer && answer.status >= 200 && answer.status < 300) {
      op.acked = true;
      op.enrolmentId = (JSON.parse(answer.body) as { enrolmentId: number }).enrolmentId;
      ledger.acknowledged++;
      ledger.acks[op.kind]++;
    } else if (answer) {
      ledger.refuse(op.kind, answer);
      // A refusal (not eligible, after the deadline, …) wrote nothing: forget it.
      if (answer.status < 500) history.pop();
    }
  }

  async function saveMark() {
    const marker = pick(work.markers);
    const projectId = pick(work.projects);
    const key = pairKey(projectId, marker.userId);
    if (inFlight.has(key)) return;
    inFlight.add(key);
    const history = ledger.marks.get(key) ?? [];
    ledger.marks.set(key, history);
    const op: MarkOp = { seq: ledger.next(), acked: false, levels: {} };
    const body = new URLSearchParams({ intent: "save" });
    for (const c of work.criteria) {
      op.levels[c.id] = pick(c.levels);
      body.set(`level.${c.id}`, String(op.levels[c.id]));
    }
    history.push(op);
    const answer = await send(ledger, `${url}/trainer/grading/${projectId}`, { method: "POST", body, headers: { cookie: marker.cookie } });
    inFlight.delete(key);
    if (answer && answer.status === 200) {
      op.acked = true;
      ledger.acknowledged++;
      ledger.acks.mark++;
    } else if (answer) {
      ledger.refuse("mark", answer);
      if (answer.status < 500) history.pop();
    }
  }

  async function closeClass() {
    const target = work.closable!;
    ledger.closeSent = true;
    ledger.next();
    const answer = await send(ledger, `${url}/trainer/classes/${target.offeringId}`, { method: "POST", body: new URLSearchParams({}), headers: { cookie: target.trainerCookie } });
    if (answer && answer.status === 200) {
      ledger.closeAcked = true;
      ledger.acknowledged++;
      ledger.acks.close++;
    }
  }

  async function adjustCredits() {
    const target = work.adjust!;
    ledger.next();
    const form = new FormData();
    form.set("employeeNo", pick(target.employeeNos));
    form.set("creditYear", String(target.creditYear));
    form.set("amount", "0.5");
    form.set("category", "external");
    form.set("attributionKind", "one");
    form.set("competencyId", String(target.competencyId));
    form.set("reason", "crash test");
    const answer = await send(ledger, `${url}/hr/adjustments/new`, { method: "POST", body: form, headers: { cookie: target.hrCookie } });
    if (!answer) return;
    const recorded = /recorded=(\d+)/.exec(answer.location ?? "");
    if (answer.status === 302 && recorded) {
      ledger.adjustments.push(Number(recorded[1]));
      ledger.acknowledged++;
      ledger.acks.adjustment++;
    } else ledger.refuse("adjustment", answer);
  }

  /**
   * One bulk import of IMPORT_ROWS historic credits: upload, dry run, commit (which runs after
   * the answer, in the background), then the page is polled until it says "committed" — only
   * then is the import acknowledged. Every row carries the batch's tag in its note.
   */
  async function bulkImport() {
    const target = work.adjust!;
    const tag = `crash-${ledger.next()}-${Math.random().toString(36).slice(2, 8)}`;
    const lines = ["工号,年度,学分,类别,素养,备注"];
    for (let i = 0; i < IMPORT_ROWS; i++) lines.push(`${target.employeeNos[i % target.employeeNos.length]},${target.creditYear},0.25,外部培训,${work.imports!.competencyCode},${tag}-${i}`);
    const form = new FormData();
    form.set("kind", "credits");
    form.set("file", new Blob([lines.join("\n")], { type: "text/csv" }), `${tag}.csv`);
    const uploaded = await send(ledger, `${url}/hr/imports`, { method: "POST", body: form, headers: { cookie: target.hrCookie } });
    const batchId = Number(/\/hr\/imports\/(\d+)/.exec(uploaded?.location ?? "")?.[1]);
    if (!uploaded || uploaded.status !== 302 || !batchId) {
      if (uploaded) ledger.refuse("import upload", uploaded);
      return;
    }
    const record = { batchId, tag, rows: IMPORT_ROWS, committedSeen: false };
    ledger.imports.push(record);
    const step = async (intent: string, fields: Record<string, string> = {}) =>
      send(ledger, `${url}/hr/imports/${batchId}`, { method: "POST", body: new URLSearchParams({ intent, ...fields }), headers: { cookie: target.hrCookie } });
    const mapping = { "map.employeeNo": "0", "map.creditYear": "1", "map.points": "2", "map.category": "3", "map.competency": "4", "map.note": "5" };
    const preview = await step("preview", mapping);
    if (!preview || preview.status !== 302) return void (preview && ledger.refuse("import preview", preview));
    if (stopped()) return;
    const commit = await step("commit");
    if (!commit || commit.status !== 302) return void (commit && ledger.refuse("import commit", commit));
    ledger.commitsStarted++;
    while (!stopped()) {
      const page = await send(ledger, `${url}/hr/imports/${batchId}?_data=${encodeURIComponent("routes/hr.imports.$batchId")}`, { headers: { cookie: target.hrCookie } });
      if (!page) return;
      const status = (JSON.parse(page.body) as { batch?: { status?: string } }).batch?.status;
      if (status === "committed") {
        record.committedSeen = true;
        ledger.acknowledged++;
        ledger.acks.import++;
        return;
      }
      if (status !== "committing") return void ledger.refuse(`import ${status}`, page);
      await sleep(50);
    }
  }

  const canMark = work.markers.length > 0 && work.projects.length > 0 && work.criteria.length > 0;
  let closeTried = false;
  const lane = async (index: number) => {
    while (!stopped()) {
      // One lane imports, one batch after another, while the others write.
      if (index === 1 && work.imports) {
        await bulkImport();
        continue;
      }
      // The trainer presses "close" (again after a crash that interrupted it, as a trainer would).
      if (index === 0 && work.closable && !ledger.closeAcked && !closeTried && Math.random() < 0.3) {
        closeTried = true;
        await closeClass();
      }
      else if (canMark && Math.random() < 0.3) await saveMark();
      else if (work.adjust && Math.random() < 0.15) await adjustCredits();
      else await enrolOrWithdraw();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => lane(i)));
}

// ------------------------------------------------------------------ checks

export type CheckResult = { name: string; ok: boolean; detail?: string };

/** The state must equal the last acknowledged request's, or any request sent after it. */
function allowedAfter<T extends Op>(history: T[]): T[] | null {
  const lastAck = history.map((op) => op.acked).lastIndexOf(true);
  if (lastAck < 0) return null; // nothing acknowledged: anything (or nothing) is right
  return history.slice(lastAck);
}

export async function verify(db: Inspector, ledger: Ledger, work: Workload): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const check = (name: string, failures: string[]) =>
    results.push({ name, ok: failures.length === 0, detail: failures.length ? failures.slice(0, 5).join("; ") : undefined });

  if (db.dialect === "sqlite") {
    const integrity = (await db.all("PRAGMA integrity_check")).map((r) => String(Object.values(r)[0]));
    check("sqlite integrity_check", integrity.join(",") === "ok" ? [] : integrity);
    const fk = await db.all("PRAGMA foreign_key_check");
    check("sqlite foreign_key_check", fk.map((r) => JSON.stringify(r)));
  }

  // Acknowledged enrolment requests.
  const rows = await db.all(`SELECT "id", "offeringId", "personId", "status" FROM "Enrolment"`);
  const byPair = new Map(rows.map((r) => [pairKey(num(r.offeringId), num(r.personId)), r]));
  const ackFailures: string[] = [];
  for (const [key, history] of ledger.enrolments) {
    const allowed = allowedAfter(history);
    if (!allowed) continue;
    const row = byPair.get(key);
    const acked = allowed[0];
    if (!row) {
      ackFailures.push(`${key}: acknowledged ${acked.kind} but no enrolment row`);
      continue;
    }
    if (acked.enrolmentId !== undefined && num(row.id) !== acked.enrolmentId) ackFailures.push(`${key}: acknowledged id ${acked.enrolmentId}, found ${String(row.id)}`);
    const status = String(row.status);
    const fits = allowed.some((op) => (op.kind === "withdraw" ? status === "withdrawn" : ["enrolled", "waitlisted", "pending_approval"].includes(status)));
    if (!fits) ackFailures.push(`${key}: status ${status} after ${allowed.map((o) => `${o.kind}${o.acked ? "✓" : "?"}`).join(",")}`);
  }
  check("acknowledged enrolments and withdrawals present", ackFailures);

  // Acknowledged mark saves.
  const scores = await db.all(`SELECT m."projectId", m."markerId", s."criterionId", s."levelId" FROM "Mark" m JOIN "MarkScore" s ON s."markId" = m."id"`);
  const marks = new Map<string, Record<number, number>>();
  for (const s of scores) {
    const key = pairKey(num(s.projectId), num(s.markerId));
    marks.set(key, { ...marks.get(key), [num(s.criterionId)]: num(s.levelId) });
  }
  const markFailures: string[] = [];
  for (const [key, history] of ledger.marks) {
    const allowed = allowedAfter(history);
    if (!allowed) continue;
    const found = marks.get(key) ?? {};
    const same = (levels: Record<number, number>) => work.criteria.every((c) => found[c.id] === levels[c.id]);
    if (!allowed.some((op) => same(op.levels))) markFailures.push(`${key}: found ${JSON.stringify(found)}, acknowledged ${JSON.stringify(allowed[0].levels)}`);
  }
  check("acknowledged mark saves present", markFailures);

  // Closing a class decides each learner in a transaction of its own (ADR 003), so a crash may
  // leave some undecided (pressing "close" again resumes), but never a learner half-decided:
  // completed with the credit or not, never one without the other.
  if (work.closable) {
    const id = work.closable.offeringId;
    const [offering] = await db.all(`SELECT o."status", c."creditPoints", c."mode" FROM "Offering" o JOIN "Course" c ON c."id" = o."courseId" WHERE o."id" = ${id}`);
    const learners = await db.all(
      `SELECT e."id", e."status", (SELECT COUNT(*) FROM "LedgerEntry" l WHERE l."sourceKey" LIKE 'completion:enrolment:' || e."id" || '#%') AS "credits"
         FROM "Enrolment" e WHERE e."offeringId" = ${id}`,
    );
    const awards = num(offering.creditPoints) > 0 && offering.mode !== "camp";
    const failures: string[] = [];
    if (ledger.closeAcked && offering.status !== "closed") failures.push("closing was acknowledged but the class is open");
    if (ledger.closeAcked && learners.some((l) => l.status === "enrolled")) failures.push("closing was acknowledged but learners are undecided");
    for (const l of learners) {
      const credited = num(l.credits) > 0;
      if (l.status === "completed" && awards && !credited) failures.push(`enrolment ${String(l.id)} completed without its credit`);
      if (l.status !== "completed" && l.status !== "not_completed" && credited) failures.push(`enrolment ${String(l.id)} (${String(l.status)}) has a completion credit`);
    }
    if (offering.status !== "closed" && learners.some((l) => l.status === "completed" || l.status === "not_completed")) failures.push("open class with decided learners");
    check("class closing: each learner all or nothing", failures);
  }

  // Acknowledged credit adjustments: the request row and, booked at once, its one ledger entry.
  if (ledger.adjustments.length) {
    const ids = ledger.adjustments.join(",");
    const found = await db.all(
      `SELECT a."id", a."status", (SELECT COUNT(*) FROM "LedgerEntry" l WHERE l."sourceKey" = 'adjustment:' || a."id") AS "entries" FROM "CreditAdjustment" a WHERE a."id" IN (${ids})`,
    );
    const byId = new Map(found.map((r) => [num(r.id), r]));
    const failures: string[] = [];
    for (const id of ledger.adjustments) {
      const row = byId.get(id);
      if (!row) failures.push(`adjustment ${id} acknowledged but missing`);
      else if (row.status === "approved" && num(row.entries) !== 1) failures.push(`adjustment ${id} approved with ${String(row.entries)} ledger entries`);
    }
    const orphans = await db.all(
      `SELECT l."sourceKey" FROM "LedgerEntry" l WHERE l."sourceType" = 'adjustment' AND NOT EXISTS (SELECT 1 FROM "CreditAdjustment" a WHERE l."sourceKey" = 'adjustment:' || a."id" AND a."status" = 'approved')`,
    );
    failures.push(...orphans.map((o) => `ledger entry ${String(o.sourceKey)} without an approved adjustment`));
    check("acknowledged credit adjustments booked once", failures);
  }

  // Bulk imports: every row of a batch or none, "committed" exactly when its rows are there,
  // and a batch seen committed stays so. A batch interrupted while committing is counted.
  if (ledger.imports.length) {
    const failures: string[] = [];
    const batches = new Map(
      (await db.all(`SELECT "id", "status" FROM "ImportBatch" WHERE "id" IN (${ledger.imports.map((i) => i.batchId).join(",")})`)).map((b) => [num(b.id), String(b.status)]),
    );
    for (const batch of ledger.imports) {
      const [{ n }] = await db.all(`SELECT COUNT(*) AS "n" FROM "LedgerEntry" WHERE "sourceType" = 'import' AND "note" LIKE '${batch.tag}-%'`);
      const rows = num(n);
      const status = batches.get(batch.batchId);
      if (rows !== 0 && rows !== batch.rows) failures.push(`batch ${batch.batchId}: ${rows} of ${batch.rows} rows (half-written)`);
      if (status === "committed" && rows !== batch.rows) failures.push(`batch ${batch.batchId} committed with ${rows} of ${batch.rows} rows`);
      if (status !== "committed" && rows !== 0) failures.push(`batch ${batch.batchId} ${status} but its ${rows} rows are in the ledger`);
      if (batch.committedSeen && status !== "committed") failures.push(`batch ${batch.batchId} was seen committed, now ${status}`);
    }
    check("bulk imports all or nothing", failures);
  }

  // Invariants over the whole database.
  const seatRows = await db.all(
    `SELECT o."id", o."capacity", o."seatsTaken",
            (SELECT COUNT(*) FROM "Enrolment" e WHERE e."offeringId" = o."id" AND e."status" IN ('enrolled', 'completed', 'not_completed')) AS "held"
       FROM "Offering" o`,
  );
  check(
    "seats taken = enrolled ≤ capacity",
    seatRows.filter((o) => num(o.seatsTaken) !== num(o.held) || num(o.seatsTaken) > num(o.capacity)).map((o) => `offering ${String(o.id)}: ${String(o.seatsTaken)} taken, ${String(o.held)} held, ${String(o.capacity)} seats`),
  );
  check(
    "one enrolment per person and class",
    (await db.all(`SELECT "offeringId", "personId", COUNT(*) AS "n" FROM "Enrolment" GROUP BY "offeringId", "personId" HAVING COUNT(*) > 1`)).map((r) => JSON.stringify(r)),
  );
  check(
    "waiting-list numbers unique per class",
    (await db.all(`SELECT "offeringId", "waitlistNo", COUNT(*) AS "n" FROM "Enrolment" WHERE "status" = 'waitlisted' GROUP BY "offeringId", "waitlistNo" HAVING COUNT(*) > 1`)).map((r) => JSON.stringify(r)),
  );
  check(
    "one ledger entry per source key",
    (await db.all(`SELECT "sourceKey", COUNT(*) AS "n" FROM "LedgerEntry" GROUP BY "sourceKey" HAVING COUNT(*) > 1`)).map((r) => JSON.stringify(r)),
  );
  check("ledger = credit summaries", await summaryMismatches(db));
  return results;
}

/** The trigger-kept summaries against the ledger, both ways (a missing row on either side counts). */
export async function summaryMismatches(db: Inspector): Promise<string[]> {
  const byCategory = await db.all(
    `SELECT l."personId", l."creditYear", l."category", l."total", l."n", s."amount", s."entries"
       FROM (SELECT "personId", "creditYear", "category", SUM("amount") AS "total", COUNT(*) AS "n" FROM "LedgerEntry" GROUP BY "personId", "creditYear", "category") l
       LEFT JOIN "CreditSummary" s ON s."personId" = l."personId" AND s."creditYear" = l."creditYear" AND s."category" = l."category"
      WHERE s."amount" IS NULL OR s."amount" <> l."total" OR s."entries" <> l."n"
     UNION ALL
     SELECT s."personId", s."creditYear", s."category", NULL, NULL, s."amount", s."entries" FROM "CreditSummary" s
      WHERE NOT EXISTS (SELECT 1 FROM "LedgerEntry" l WHERE l."personId" = s."personId" AND l."creditYear" = s."creditYear" AND l."category" = s."category")`,
  );
  const byCompetency = await db.all(
    `SELECT l."personId", l."creditYear", l."competencyId", l."total", s."amount"
       FROM (SELECT e."personId", e."creditYear", c."competencyId", SUM(c."amount") AS "total"
               FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId" GROUP BY e."personId", e."creditYear", c."competencyId") l
       LEFT JOIN "CreditCompetencySummary" s ON s."personId" = l."personId" AND s."creditYear" = l."creditYear" AND s."competencyId" = l."competencyId"
      WHERE s."amount" IS NULL OR s."amount" <> l."total"`,
  );
  return [...byCategory, ...byCompetency].map((r) => JSON.stringify(r));
}

/** `npm run ledger:verify` (scripts/ledger-verify.ts): the app's own recomputation of every balance. */
export function ledgerVerifyScript(databaseUrl: string, sessionSecret: string): CheckResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/ledger-verify.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, SESSION_SECRET: sessionSecret, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  const output = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-3).join(" / ");
  return { name: "npm run ledger:verify", ok: result.status === 0, detail: result.status === 0 ? undefined : `exit ${result.status}: ${output}` };
}

// ------------------------------------------------------------------ the loop

export type CrashLoopOptions = {
  databaseUrl: string;
  port: number;
  dataDir: string;
  sessionSecret: string;
  kills: number;
  /** The kill comes at a random moment in [min, max] ms after the round's first few acknowledgements. */
  killWindowMs?: [number, number];
  concurrency?: number;
  learners?: number;
  log?: (message: string) => void;
};

export type CrashLoopOutcome = {
  kills: number;
  restarts: number;
  sent: number;
  acknowledged: number;
  acknowledgedByKind: Record<string, number>;
  refused: number;
  refusals: Record<string, number>;
  serverErrors: number;
  inFlightAtKill: number[];
  killAfterMs: number[];
  classClosed: boolean;
  /** Import batches committed, and those a kill left in "committing" (their rows rolled back). */
  imports: { started: number; committed: number; leftCommitting: number };
  checks: CheckResult[];
  ok: boolean;
};

/** Rows per bulk import: big enough that its transaction takes a while. */
const IMPORT_ROWS = 300;

/** In rounds aimed at an import, the kill comes this many ms at most after its commit started. */
const IMPORT_KILL_WINDOW_MS = 400;

/** Writes acknowledged in a round before its kill is timed. */
const ACKS_BEFORE_KILL = 4;

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopOutcome> {
  const [minMs, maxMs] = options.killWindowMs ?? [0, 2500];
  const log = options.log ?? (() => {});
  const serverOptions = { databaseUrl: options.databaseUrl, port: options.port, dataDir: options.dataDir, sessionSecret: options.sessionSecret };
  const db = await openInspector(options.databaseUrl);
  const ledger = new Ledger();
  const outcome: CrashLoopOutcome = {
    kills: 0,
    restarts: 0,
    sent: 0,
    acknowledged: 0,
    acknowledgedByKind: {},
    refused: 0,
    refusals: {},
    serverErrors: 0,
    inFlightAtKill: [],
    killAfterMs: [],
    classClosed: false,
    imports: { started: 0, committed: 0, leftCommitting: 0 },
    checks: [],
    ok: false,
  };
  let server = await startServer({ ...serverOptions, label: "server" });
  try {
    const work = await prepareWorkload(server.url, db, options.learners);
    log(`workload: bulk imports ${work.imports ? "on" : "not in this build"}, ${work.learners.length} learners, ${work.offerings.length} open classes, ${work.markers.length} markers × ${work.projects.length} projects, class to close: ${work.closable?.offeringId ?? "none"}`);
    for (let round = 0; round < options.kills; round++) {
      let stop = false;
      const sentBefore = ledger.sent;
      const driving = drive(server.url, work, ledger, options.concurrency ?? 12, () => stop);
      // A freshly started server on a busy machine may take a while to answer at all: let the
      // round get a few writes acknowledged first, so every kill lands on a server at work.
      const acksBefore = ledger.acknowledged;
      const commitsBefore = ledger.commitsStarted;
      const warmDeadline = Date.now() + 60_000;
      while (ledger.acknowledged - acksBefore < ACKS_BEFORE_KILL && Date.now() < warmDeadline) await sleep(20);
      // Every other round aims at the moment a bulk import commits (its one big transaction).
      const aimAtImport = work.imports !== null && round % 2 === 1;
      while (aimAtImport && ledger.commitsStarted === commitsBefore && Date.now() < warmDeadline) await sleep(5);
      const killAfter = aimAtImport ? Math.round(Math.random() * IMPORT_KILL_WINDOW_MS) : Math.round(minMs + Math.random() * (maxMs - minMs));
      await sleep(killAfter);
      const open = ledger.pending;
      await killHard(server);
      stop = true;
      await driving;
      outcome.kills++;
      outcome.killAfterMs.push(killAfter);
      outcome.inFlightAtKill.push(open);
      log(`kill ${round + 1}/${options.kills} ${aimAtImport ? `${killAfter} ms after an import's commit started` : `after ${killAfter} ms`}: ${ledger.sent - sentBefore} requests this round, ${open} in flight`);
      server = await startServer({ ...serverOptions, label: "server" });
      outcome.restarts++;
      const checks = await verify(db, ledger, work);
      const failed = checks.filter((c) => !c.ok);
      if (failed.length) {
        outcome.checks = checks;
        log(`after kill ${round + 1}: ${failed.map((c) => `${c.name}: ${c.detail}`).join(" | ")}`);
        return outcome;
      }
    }
    outcome.checks = [...(await verify(db, ledger, work)), ledgerVerifyScript(options.databaseUrl, options.sessionSecret)];
    const [closed] = work.closable ? await db.all(`SELECT "status" FROM "Offering" WHERE "id" = ${work.closable.offeringId}`) : [];
    outcome.classClosed = closed?.status === "closed";
    if (ledger.imports.length) {
      const statuses = (await db.all(`SELECT "status" FROM "ImportBatch" WHERE "id" IN (${ledger.imports.map((i) => i.batchId).join(",")})`)).map((b) => String(b.status));
      outcome.imports = {
        started: ledger.imports.length,
        committed: statuses.filter((x) => x === "committed").length,
        leftCommitting: statuses.filter((x) => x === "committing").length,
      };
    }
    outcome.ok = outcome.checks.every((c) => c.ok) && ledger.serverErrors === 0;
    return outcome;
  } finally {
    outcome.sent = ledger.sent;
    outcome.acknowledged = ledger.acknowledged;
    outcome.acknowledgedByKind = ledger.acks;
    outcome.refused = ledger.refused;
    outcome.refusals = ledger.refusals;
    outcome.serverErrors = ledger.serverErrors;
    await killHard(server);
    await db.close();
  }
}
