// Building blocks of the fuzz tests (tests/integration/fuzz-routes.db.test.ts): hostile values
// as fast-check arbitraries, what a route module reads (field names and intents, taken from
// its source so a route added later is fuzzed without anyone writing a table), requests in
// every encoding a client could send, a database change log kept by triggers, and the rules a
// response must follow.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { isMessageKey } from "~/i18n/i18n";
import { db, dialect } from "~/utils/db.server";
import { BASE } from "./requests";

// ---------------------------------------------------------------- hostile values

const HUGE = 100 * 1024;

/**
 * Values no field of the app accepts as they are: wrong types, numbers out of any range, a
 * non-canonical spelling of a number, markup, paths, control characters. Several are valid
 * free text (a reason may well read "NaN"), which is why the test leans on the change log and
 * not on "every value is invalid" (see the test's header).
 */
export const NASTY = [
  "",
  " ",
  "\t\n",
  "-1",
  "0",
  "-0",
  "1e309",
  "-1e309",
  "NaN",
  "Infinity",
  "-Infinity",
  "1.5",
  "0x10",
  "1e3",
  "9007199254740993",
  "99999999999999999999999",
  "2147483648",
  "-2147483649",
  "999999",
  "true",
  "false",
  "null",
  "undefined",
  "[object Object]",
  "{}",
  "[]",
  '{"role":"admin","amount":999999}',
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\"; DROP TABLE \"User\"; --",
  "../../../../etc/passwd",
  "%00",
  "%zz",
  "\u0000",
  "a\u0000b",
  "1\u0000",
  "\u202Eevil\u202C",
  "\u200B",
  "\u200B1",
  "\uFEFF2026",
  "👩‍👩‍👧‍👦",
  "𝕏𝕐ℤ",
  "١٢٣",
  "１２３",
  "二〇二六",
  "\uD800",
  "\u0301",
  "2026-02-30",
  "0000-00-00",
  "9999-12-31T23:59:59Z",
  "+275760-09-13",
  "-000001-01-01",
  "25:61",
  "__proto__",
  "constructor",
  "admin",
  "approved",
  "lead",
] as const;

/** Large bodies: every text field of the app has a maximum far below these. */
export const HUGE_VALUES = ["x".repeat(HUGE), "9".repeat(HUGE), "巷".repeat(HUGE / 3), "\u200B".repeat(HUGE / 3), "👩‍👩‍👧‍👦".repeat(HUGE / 25)] as const;

/** Fields a client could smuggle in: privileges, money-like amounts, someone else's ids. */
export const EXTRA_FIELDS = ["role", "amount", "personId", "userId", "scopeUnitId", "status", "creditYear", "total", "releasedAt", "id", "isAdmin", "__proto__", "constructor", "intent[]", "a[b]", "x.0.y"] as const;

export type Body = [string, string][];
export type Encoding = "urlencoded" | "multipart" | "multipart-files" | "json" | "text" | "empty" | "broken-multipart" | "json-as-form";
export const ENCODINGS: Encoding[] = ["urlencoded", "multipart", "multipart-files", "json", "text", "empty", "broken-multipart", "json-as-form"];

/** One hostile value; `plausible` values (a real id, a known choice) are mixed in to get past the first check. */
export function hostileValue(plausible: readonly string[] = []): fc.Arbitrary<string> {
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE_VALUES) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }).map(String) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
    { weight: 1, arbitrary: fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString())) },
  ];
  if (plausible.length > 0) arbs.push({ weight: 3, arbitrary: fc.constantFrom(...plausible) });
  return fc.oneof(...arbs);
}

export type Surface = {
  /** Form field names the route's markup and code read. */
  fields: string[];
  /** Candidate values of `intent` and other choices (literals and switch cases). */
  choices: string[];
};

const IMPORT = /from\s+"~\/([^"]+)"/g;
const NAME = /\bname(?:=|:\s*)\{?["'`]([A-Za-z_][\w.[\]-]*)["'`]/g;
const GET = /\.(?:get|getAll|has)\(\s*["'`]([A-Za-z_][\w.[\]-]*)["'`]\s*\)/g;
const CHOICE = /(?:z\.literal\(|case\s+|intent\s*===?\s*|value=)["'`]([a-z][\w-]{1,40})["'`]/g;

function sourceOf(file: string): string {
  for (const candidate of [file, `${file}.ts`, `${file}.tsx`]) {
    if (existsSync(candidate) && !candidate.endsWith("/")) {
      try {
        return readFileSync(candidate, "utf8");
      } catch {
        // a directory
      }
    }
  }
  return "";
}

/**
 * What a route module reads, from its source and the app modules it imports (one level: the
 * form components and schemas of its area). A regex reading, not a parser: it only has to find
 * enough names to get fuzzed values past the first check.
 */
export function surfaceOf(routeFile: string, appDir: string): Surface {
  const own = sourceOf(routeFile);
  const texts = [own];
  for (const match of own.matchAll(IMPORT)) {
    const target = match[1];
    if (target.startsWith("i18n") || target.startsWith("generated")) continue;
    texts.push(sourceOf(path.join(appDir, target)));
  }
  const fields = new Set<string>();
  const choices = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(NAME)) fields.add(m[1]);
    for (const m of text.matchAll(GET)) fields.add(m[1]);
  }
  for (const m of own.matchAll(CHOICE)) choices.add(m[1]);
  fields.delete("intent");
  return { fields: [...fields].sort(), choices: [...choices].sort() };
}

/** A form body: the intent, some of the route's fields, smuggled fields and repeats. */
export function bodyArbitrary(surface: Surface, plausible: readonly string[]): fc.Arbitrary<Body> {
  const value = hostileValue(plausible);
  const known = surface.fields.length > 0 ? fc.subarray(surface.fields, { minLength: 0 }) : fc.constant([] as string[]);
  const intent = surface.choices.length > 0 ? fc.oneof(fc.constantFrom(...surface.choices), value) : value;
  return fc
    .record({
      intent: fc.option(intent, { nil: undefined, freq: 5 }),
      known,
      knownValues: fc.array(value, { minLength: surface.fields.length, maxLength: surface.fields.length }),
      extras: fc.subarray([...EXTRA_FIELDS]),
      extraValues: fc.array(fc.oneof(value, fc.constantFrom("admin", "999999", "1")), { minLength: EXTRA_FIELDS.length, maxLength: EXTRA_FIELDS.length }),
      randomKeys: fc.array(fc.tuple(fc.string({ unit: "binary", maxLength: 20 }), value), { maxLength: 3 }),
      repeat: fc.array(fc.tuple(fc.nat(), value), { maxLength: 3 }),
    })
    .map(({ intent, known, knownValues, extras, extraValues, randomKeys, repeat }) => {
      const body: Body = [];
      if (intent !== undefined) body.push(["intent", intent]);
      known.forEach((name, i) => body.push([name, knownValues[i]]));
      extras.forEach((name, i) => body.push([name, extraValues[i]]));
      body.push(...randomKeys);
      // The same parameter twice, the second value different: the first must win or both be refused.
      for (const [index, again] of repeat) {
        if (body.length > 0) body.push([body[index % body.length][0], again]);
      }
      return body;
    });
}

/** A hostile query string (filters, cursors, ?brief=, ?project=, ?index…). */
export function queryArbitrary(surface: Surface, plausible: readonly string[]): fc.Arbitrary<string> {
  const names = [...new Set([...surface.fields, "q", "page", "cursor", "limit", "year", "brief", "project", "index", "redirectTo", "sort", "status", "unit", "from", "to", "format"])];
  return fc
    .array(fc.tuple(fc.constantFrom(...names), hostileValue(plausible)), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ""));
}

// ---------------------------------------------------------------- requests

export type Attempt = {
  method: string;
  url: string;
  encoding: Encoding;
  body: Body;
  headers: Record<string, string>;
};

/** A Request with the body in the given encoding (several deliberately wrong for the route). */
export function buildRequest(attempt: Attempt, cookie: string | undefined): Request {
  const headers = new Headers(attempt.headers);
  if (cookie) headers.set("Cookie", cookie);
  const init: RequestInit = { method: attempt.method, headers };
  if (attempt.method === "GET" || attempt.method === "HEAD") return new Request(BASE + attempt.url, init);
  const pairs = attempt.body;
  switch (attempt.encoding) {
    case "urlencoded":
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      init.body = new URLSearchParams(pairs).toString();
      break;
    case "multipart":
    case "multipart-files": {
      const form = new FormData();
      pairs.forEach(([k, v], i) => {
        // Every other value as a file: a text field that receives a file must not crash the parser.
        if (attempt.encoding === "multipart-files" && i % 2 === 0) form.append(k, new File([v], v.slice(0, 300) || "..", { type: i % 4 ? "application/pdf" : "text/html" }));
        else form.append(k, v);
      });
      init.body = form;
      break;
    }
    case "json":
      headers.set("Content-Type", "application/json");
      init.body = JSON.stringify(Object.fromEntries(pairs));
      break;
    case "json-as-form":
      headers.set("Content-Type", "application/x-www-form-urlencoded");
      init.body = JSON.stringify(Object.fromEntries(pairs));
      break;
    case "text":
      headers.set("Content-Type", "text/plain");
      init.body = pairs.map(([k, v]) => `${k}=${v}`).join("\n");
      break;
    case "broken-multipart":
      headers.set("Content-Type", "multipart/form-data; boundary=----lane");
      init.body = `------lane\r\nContent-Disposition: form-data; name="intent"\r\n\r\n${pairs[0]?.[1] ?? ""}`;
      break;
    case "empty":
      break;
  }
  return new Request(BASE + attempt.url, init);
}

export type Outcome = { status: number; thrown: boolean; location: string | null; contentType: string; text: string };

/** Runs a loader or action; a thrown non-Response is what Remix would answer with 500. */
export async function outcomeOf(work: () => Promise<unknown>): Promise<Outcome | { crash: unknown }> {
  let response: Response;
  let thrown = false;
  try {
    const result = await work();
    response = result instanceof Response ? result : new Response(JSON.stringify(result ?? null), { status: 200, headers: { "Content-Type": "application/json" } });
  } catch (error) {
    if (!(error instanceof Response)) return { crash: error };
    response = error;
    thrown = true;
  }
  const contentType = response.headers.get("Content-Type") ?? "";
  const binary = !/json|text|csv|calendar/.test(contentType) && contentType !== "";
  const text = binary ? "" : await response.text().catch(() => "");
  return { status: response.status, thrown, location: response.headers.get("Location"), contentType, text };
}

const KEY_LIKE = /^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_-]+)+(\|.*)?$/s;

/** Message keys in an answer (field errors, form errors, notices) that the dictionary does not know. */
export function unknownMessageKeys(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") {
    if (KEY_LIKE.test(value) && !/^[\w-]+\.(pdf|csv|xlsx|json|ics|zip|png|jpe?g)$/i.test(value) && !/^\d/.test(value)) {
      const key = value.split("|", 1)[0];
      if (!isMessageKey(key)) found.push(value);
    }
  } else if (Array.isArray(value)) value.forEach((v) => unknownMessageKeys(v, found));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      // Values that are data, not messages (codes, names, the user's own input echoed back).
      if (["values", "code", "params", "data", "items", "rows", "input"].includes(k)) continue;
      unknownMessageKeys(v, found);
    }
  }
  return found;
}

/** Statuses the shared error boundary explains; any other thrown status shows the "500" page. */
export const BOUNDARY_STATUSES = [400, 401, 403, 404];

const MESSAGE_FIELDS = ["fieldErrors", "formError", "error", "errors", "notice", "message"];
const ERROR_FIELDS = ["fieldErrors", "fieldText", "formError", "error", "errors", "refusal", "problem", "message"];

function hasErrorContent(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  for (const key of ERROR_FIELDS) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === "string" && v.length > 0) return true;
    if (v && typeof v === "object" && Object.keys(v).length > 0) return true;
  }
  return false;
}

/**
 * Why an answer is not a clear, safe answer to a hostile request, or null when it is:
 * below 500; a 4xx either thrown to the error boundary with a status it explains, or returned
 * by an action with error content whose message keys exist, by a loader as its own page; the
 * JSON API's { error: { code, message } };
 * a redirect only to a path of this site.
 */
export function problemWith(outcome: Outcome, { api, loader }: { api: boolean; loader: boolean }): string | null {
  const { status } = outcome;
  if (status >= 500) return `answered ${status}: ${outcome.text.slice(0, 300)}`;
  if (status >= 300 && status < 400) {
    const to = outcome.location ?? "";
    if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return `redirects off the site: ${JSON.stringify(to)}`;
    return null;
  }
  let json: unknown;
  try {
    json = outcome.contentType.includes("json") ? JSON.parse(outcome.text) : undefined;
  } catch {
    return `answered ${status} with malformed JSON`;
  }
  // Only where messages live: data (audit actions, codes, the user's own input) may look like keys.
  const messages = json && typeof json === "object" ? MESSAGE_FIELDS.map((k) => (json as Record<string, unknown>)[k]) : [];
  const unknown = unknownMessageKeys(messages);
  if (unknown.length) return `answered ${status} with message keys the dictionary lacks: ${unknown.slice(0, 3).join(", ")}`;
  if (status < 400) return null;
  if (api) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (!error || typeof error.message !== "string" || !error.message) return `API answered ${status} without { error: { code, message } }: ${outcome.text.slice(0, 200)}`;
    return null;
  }
  if (outcome.thrown) {
    return BOUNDARY_STATUSES.includes(status) ? null : `threw ${status}, which the error page shows as "something went wrong"`;
  }
  // A loader's own 404 (a page saying "no such certificate") is rendered by its component.
  if (loader) return null;
  if (!hasErrorContent(json)) return `answered ${status} without an error message: ${outcome.text.slice(0, 200)}`;
  return null;
}

// ---------------------------------------------------------------- the change log

/** The log table; its name starts with "_" so it never logs itself. */
const LOG = "_fuzz_change";

/**
 * Row-level change tracking by triggers on every table but the excluded ones: cheaper and more
 * exact than hashing every row before and after each run (the demo database has thousands of
 * rows), and an update that writes the same values is not counted as a change. A write that
 * was rolled back leaves no log row, as it should.
 */
export async function installChangeLog(excluded: readonly string[]) {
  const tables = await userTables();
  if (dialect() === "postgresql") {
    await db.$executeRawUnsafe(`CREATE TABLE "${LOG}" (tbl text NOT NULL, op text NOT NULL)`);
    await db.$executeRawUnsafe(`CREATE FUNCTION fuzz_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD::text = NEW::text THEN RETURN NULL; END IF;
        INSERT INTO "${LOG}" VALUES (TG_TABLE_NAME, lower(TG_OP));
        RETURN NULL;
      END $$`);
    for (const table of tables.filter((t) => !excluded.includes(t))) {
      await db.$executeRawUnsafe(`CREATE TRIGGER fuzz_note_change AFTER INSERT OR UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION fuzz_note_change()`);
    }
  } else {
    await db.$executeRawUnsafe(`CREATE TABLE "${LOG}" (tbl TEXT NOT NULL, op TEXT NOT NULL)`);
    for (const table of tables.filter((t) => !excluded.includes(t))) {
      const columns = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${table}')`);
      const changed = columns.map((c) => `OLD."${c.name}" IS NOT NEW."${c.name}"`).join(" OR ");
      for (const [op, when] of [["insert", ""], ["delete", ""], ["update", ` WHEN ${changed}`]] as const) {
        await db.$executeRawUnsafe(
          `CREATE TRIGGER "fuzz_${table}_${op}" AFTER ${op.toUpperCase()} ON "${table}"${when} BEGIN INSERT INTO "${LOG}" VALUES ('${table}', '${op}'); END`,
        );
      }
    }
  }
  return tables;
}

export async function userTables(): Promise<string[]> {
  const rows =
    dialect() === "postgresql"
      ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema()`)
      : await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  return rows.map((r) => r.name).filter((n) => !n.startsWith("_") && !n.startsWith("sqlite_")).sort();
}

/** The changes logged since the last call, as "Table insert×2", and clears the log. */
export async function takeChanges(): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ tbl: string; op: string; n: number | bigint }[]>(
    `SELECT tbl, op, count(*) AS n FROM "${LOG}" GROUP BY tbl, op ORDER BY tbl, op`,
  );
  if (rows.length === 0) return [];
  await db.$executeRawUnsafe(`DELETE FROM "${LOG}"`);
  return rows.map((r) => `${r.tbl} ${r.op}×${Number(r.n)}`);
}

/** A short, printable form of an attempt for failure messages (huge values abbreviated). */
export function describeAttempt(attempt: Attempt, actor: string): string {
  const short = (v: string) => (v.length > 60 ? `${JSON.stringify(v.slice(0, 40))}…(${v.length} chars)` : JSON.stringify(v));
  const body = attempt.body.map(([k, v]) => `${short(k)}=${short(v)}`).join(" & ");
  const url = attempt.url.length > 200 ? `${attempt.url.slice(0, 200)}…` : attempt.url;
  return `${attempt.method} ${url} as ${actor} [${attempt.encoding}] ${body}`;
}
