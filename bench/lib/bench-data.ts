// The big benchmark data set: the demo (accounts, catalogue, policies, a camp) plus 20,000
// people in a city-sized unit tree under the demo district, with five credit years of ledger
// history (≥ 2,000,000 entries with competency parts, every category, reversals), appraisals
// and grade records. The HR report, export, import and load benchmarks all run against it.
//
// Speed: the demo comes from `npm run seed` (one child process); everything else is written
// with the database drivers directly — prepared multi-row INSERTs on SQLite, unnest() arrays
// on PostgreSQL — in transactions of a few thousand people. The two ledger summary triggers
// are switched off during the load and the summaries of the new people are then built with
// one INSERT … SELECT … GROUP BY each (the same statements as migration 0003's backfill);
// `npm run ledger:verify` proves them equal to the entries afterwards.
//
// Deterministic: a seeded PRNG decides every row; only the dates follow `now` (like the demo).
// The database is written to a well-known place (data/bench/lane-bench.db, PostgreSQL
// database lane_bench) and reused when its recorded shape matches, unless `fresh`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { splitByWeights } from "../../app/credits/ledger.server";
import type { CreditCategory } from "../../app/credits/status";
import { parseDatabaseUrl } from "../../app/db/config.server";
import { BENCH_SESSION_SECRET, postgresAdminUrl, postgresUrlFor, ROOT, type Dialect } from "./common";

export const BENCH_SQLITE_FILE = path.join(ROOT, "data", "bench", "lane-bench.db");
export const BENCH_PG_DATABASE = "lane_bench";
/** Bumped whenever the generator's output changes, so old bench databases are rebuilt. */
const GENERATOR_VERSION = 1;
const MARKER_KEY = "bench.data";

export type BenchShape = { generator: number; people: number; years: number; seed: number; creditYear: number };
export type BenchCounts = {
  units: number;
  people: number;
  ledgerEntries: number;
  ledgerCompetencies: number;
  reversals: number;
  appraisals: number;
  gradeRecords: number;
  creditSummaries: number;
  competencySummaries: number;
};
export type BenchDataInfo = {
  dialect: Dialect;
  url: string;
  reused: boolean;
  shape: BenchShape;
  counts: BenchCounts;
  /** Wall milliseconds per step (empty when reused). */
  timings: Record<string, number>;
};

export type BenchDataOptions = {
  dialect: Dialect;
  /** Defaults: BENCH_DATABASE_URL when it is of this dialect, else the well-known place. */
  url?: string;
  fresh?: boolean;
  /** People in the whole database, the demo's included (default 20,000). */
  people?: number;
  /** Credit years with history, ending with the current one (default 5). */
  years?: number;
  seed?: number;
  now?: Date;
  log?: (message: string) => void;
};

/** Where the bench database of a dialect lives. */
export function benchDatabaseUrl(dialect: Dialect): string {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (given && parseDatabaseUrl(given).dialect === dialect) return given;
  return dialect === "sqlite" ? `file:${BENCH_SQLITE_FILE}` : postgresUrlFor(BENCH_PG_DATABASE);
}

// ---------------------------------------------------------------- randomness

/** sfc32: small, fast and good enough; seeded, so the same seed gives the same data. */
function seededRandom(seed: number) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 + seed;
  let c = 0xb7e15162 ^ (seed << 7);
  let d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: <T>(items: ArrayLike<T>): T => items[Math.floor(next() * items.length)] };
}

// ---------------------------------------------------------------- content

const ROAD_FIRST = "天山仙霞虹桥北新程家新泾周家凌云龙华漕河康健田林枫林徐家斜土长风曹杨甘泉石泉宜川真如万里桃浦江宁静安曹家南京";
const ROAD_SECOND = ["路", "镇", "新村", "浜"];
const AREA_WORDS = ["一村", "二村", "三村", "东苑", "西苑", "南苑", "北苑", "花园", "公寓", "新村", "小区", "里", "坊", "苑", "家园", "雅苑"];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程沈顾陆钱施姚戴俞金汪范";
const GIVEN = "丽敏静燕艳娟霞芳红玲萍华慧琳洁莉雯婷佳颖倩蓉晓秀美春月雪伟强磊军勇杰涛明超刚平辉鹏建国峰斌波宇浩凯健俊文忠立德志海晨毅";

const POSTS = [
  { code: "head", minGrade: 7, maxGrade: 18 },
  { code: "supervisor", minGrade: 4, maxGrade: 15 },
  { code: "staff", minGrade: 1, maxGrade: 12 },
] as const;
const EDUCATION = ["secondary", "college", "college", "bachelor", "bachelor", "bachelor", "bachelor", "master"] as const;
const CERTIFICATES = ["none", "none", "none", "assistant", "assistant", "intermediate", "intermediate", "senior"] as const;
const RATINGS = ["excellent", "pass", "basic", "fail"] as const;

/** Share of entries per category (cumulative thresholds), close to the demo's mix. */
const CATEGORY_MIX: [CreditCategory, number][] = [
  ["in_person", 0.45],
  ["online", 0.78],
  ["camp", 0.82],
  ["external", 0.97],
  ["adjustment", 1],
];
const SOURCE_TYPE: Record<CreditCategory, string> = {
  in_person: "completion",
  online: "completion",
  camp: "camp_release",
  external: "import",
  adjustment: "adjustment",
};
const REVERSAL_RATE = 0.02;

// ---------------------------------------------------------------- bulk writers

type ColumnType = "int" | "text" | "timestamp" | "bool";
type Table = { name: string; columns: [string, ColumnType][] };
type Row = (string | number | boolean | null)[];

const T = {
  unit: {
    name: "Unit",
    columns: [["id", "int"], ["code", "text"], ["nameZh", "text"], ["nameEn", "text"], ["kind", "text"], ["parentId", "int"], ["path", "text"], ["sortOrder", "int"], ["createdAt", "timestamp"]],
  },
  person: {
    name: "Person",
    columns: [["id", "int"], ["employeeNo", "text"], ["name", "text"], ["gender", "text"], ["birthYear", "int"], ["unitId", "int"], ["postTypeCode", "text"], ["grade", "int"], ["hiredOn", "timestamp"], ["secretarySince", "timestamp"], ["education", "text"], ["socialWorkCert", "text"], ["phone", "text"], ["active", "bool"], ["createdAt", "timestamp"], ["updatedAt", "timestamp"]],
  },
  grade: {
    name: "GradeRecord",
    columns: [["personId", "int"], ["postTypeCode", "text"], ["grade", "int"], ["effectiveFrom", "timestamp"], ["reason", "text"], ["note", "text"], ["recordedById", "int"], ["createdAt", "timestamp"]],
  },
  appraisal: {
    name: "Appraisal",
    columns: [["personId", "int"], ["year", "int"], ["rating", "text"], ["note", "text"], ["recordedById", "int"], ["createdAt", "timestamp"], ["updatedAt", "timestamp"]],
  },
  entry: {
    name: "LedgerEntry",
    columns: [["id", "int"], ["personId", "int"], ["creditYear", "int"], ["amount", "int"], ["category", "text"], ["sourceType", "text"], ["sourceKey", "text"], ["reversesEntryId", "int"], ["note", "text"], ["createdById", "int"], ["createdAt", "timestamp"]],
  },
  share: { name: "LedgerCompetency", columns: [["entryId", "int"], ["competencyId", "int"], ["amount", "int"]] },
} satisfies Record<string, Table>;

interface Writer {
  dialect: Dialect;
  exec(sql: string): Promise<void>;
  all<R>(sql: string): Promise<R[]>;
  insert(table: Table, rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

/** Prisma's SQLite adapter stores DateTime as ISO text with an explicit +00:00 offset. */
const sqliteTime = (date: Date) => date.toISOString().replace("Z", "+00:00");
const quoted = (columns: [string, ColumnType][]) => columns.map(([name]) => `"${name}"`).join(", ");

function sqliteWriter(file: string): Writer {
  const db = new Database(file);
  // The file is being built: a crash leaves it without the completion marker and it is
  // rebuilt on the next run, so durability is traded for speed until the end.
  db.pragma("journal_mode = DELETE");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  db.pragma("foreign_keys = ON");
  const statements = new Map<string, Database.Statement>();
  const ROWS_PER_STATEMENT = 200;
  const statementFor = (table: Table, rows: number) => {
    const key = `${table.name}:${rows}`;
    let statement = statements.get(key);
    if (!statement) {
      const tuple = `(${table.columns.map(() => "?").join(", ")})`;
      statement = db.prepare(`INSERT INTO "${table.name}" (${quoted(table.columns)}) VALUES ${Array(rows).fill(tuple).join(", ")}`);
      statements.set(key, statement);
    }
    return statement;
  };
  const convert = (value: Row[number]) => (typeof value === "boolean" ? (value ? 1 : 0) : value);
  return {
    dialect: "sqlite",
    exec: async (sql) => void db.exec(sql),
    all: async <R>(sql: string) => db.prepare(sql).all() as R[],
    insert: async (table, rows) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
        statementFor(table, chunk.length).run(chunk.flat().map(convert));
      }
    },
    close: async () => {
      // Back to the app's settings: WAL is a property of the file.
      db.pragma("journal_mode = WAL");
      db.close();
    },
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // As for SQLite: an interrupted load is rebuilt anyway, so commits need not wait for disk.
  await client.query("SET synchronous_commit = off");
  const pgType: Record<ColumnType, string> = { int: "int[]", text: "text[]", timestamp: "timestamp(3)[]", bool: "boolean[]" };
  const ROWS_PER_STATEMENT = 20_000;
  return {
    dialect: "postgresql",
    exec: async (sql) => void (await client.query(sql)),
    all: async <R>(sql: string) => (await client.query(sql)).rows as R[],
    // One array parameter per column: a statement of 20,000 rows has 3–16 parameters.
    insert: async (table, rows) => {
      const unnest = table.columns.map(([, type], i) => `$${i + 1}::${pgType[type]}`).join(", ");
      const sql = `INSERT INTO "${table.name}" (${quoted(table.columns)}) SELECT * FROM unnest(${unnest})`;
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
        await client.query(sql, table.columns.map((_, i) => chunk.map((row) => row[i])));
      }
    },
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------- preparing the target

async function adminQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function sqliteFile(url: string) {
  const config = parseDatabaseUrl(url);
  if (config.dialect !== "sqlite") throw new Error(`bench: ${url} is not a SQLite database`);
  return config.file;
}

function databaseName(url: string) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

type Marker = { shape: BenchShape; counts: BenchCounts };

/** A finished build's marker, or "empty" for one that was interrupted (rebuilt without asking). */
function parseMarker(value: string): Marker | "empty" {
  const parsed = JSON.parse(value) as Marker | { building: BenchShape };
  return "counts" in parsed ? parsed : "empty";
}

async function readMarker(dialect: Dialect, url: string): Promise<Marker | "empty" | "foreign"> {
  if (dialect === "sqlite") {
    const file = sqliteFile(url);
    if (!existsSync(file)) return "empty";
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const hasUnits = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Setting'`).get();
      if (!hasUnits) return "empty";
      const row = db.prepare(`SELECT "value" FROM "Setting" WHERE "key" = ?`).get(MARKER_KEY) as { value: string } | undefined;
      if (row) return parseMarker(row.value);
      return db.prepare(`SELECT 1 FROM "Unit" LIMIT 1`).get() ? "foreign" : "empty";
    } finally {
      db.close();
    }
  }
  const name = databaseName(url);
  const exists = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
  if (exists.length === 0) return "empty";
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('"Setting"') AS t`);
    if (!table.rows[0].t) return "empty";
    const marker = await client.query(`SELECT "value" FROM "Setting" WHERE "key" = $1`, [MARKER_KEY]);
    if (marker.rows.length) return parseMarker(marker.rows[0].value);
    const units = await client.query(`SELECT 1 FROM "Unit" LIMIT 1`);
    return units.rows.length ? "foreign" : "empty";
  } finally {
    await client.end();
  }
}

/** Removes the target (only a bench database: one this generator marked, or an empty one). */
async function resetTarget(dialect: Dialect, url: string) {
  if (dialect === "sqlite") {
    const file = sqliteFile(url);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    mkdirSync(path.dirname(file), { recursive: true });
    return;
  }
  const name = databaseName(url);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench: refusing to recreate database "${name}" (not a plain name)`);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
}

// ---------------------------------------------------------------- the generator

const DAY = 86_400_000;
/** Shanghai midnight of a calendar day, as a UTC instant. */
const shanghaiDate = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day) - 8 * 3_600_000);

/**
 * Makes sure the bench database of `dialect` exists with the requested shape; builds it when
 * it is missing, of another shape, or `fresh` is set. Refuses to touch a database holding
 * data it did not generate (unless `fresh`).
 */
export async function ensureBenchData(options: BenchDataOptions): Promise<BenchDataInfo> {
  const dialect = options.dialect;
  const url = options.url ?? benchDatabaseUrl(dialect);
  const log = options.log ?? ((message: string) => process.stderr.write(`[bench:data] ${message}\n`));
  const now = options.now ?? new Date();
  const creditYear = Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", year: "numeric" }).format(now));
  const shape: BenchShape = {
    generator: GENERATOR_VERSION,
    people: options.people ?? 20_000,
    years: options.years ?? 5,
    seed: options.seed ?? 20_261_126,
    creditYear,
  };

  const existing = await readMarker(dialect, url);
  if (typeof existing === "object" && !options.fresh && JSON.stringify(existing.shape) === JSON.stringify(shape)) {
    log(`${dialect}: reusing ${redact(url)} (${existing.counts.people} people, ${existing.counts.ledgerEntries} ledger entries)`);
    return { dialect, url, reused: true, shape, counts: existing.counts, timings: {} };
  }
  if (existing === "foreign" && !options.fresh) {
    throw new Error(`bench: ${redact(url)} holds data the generator did not write; pass --fresh to replace it`);
  }

  const timings: Record<string, number> = {};
  const time = async <R>(step: string, work: () => Promise<R> | R): Promise<R> => {
    const started = performance.now();
    const result = await work();
    timings[step] = Math.round(performance.now() - started);
    log(`${dialect}: ${step} ${timings[step]} ms`);
    return result;
  };
  const totalStarted = performance.now();

  await time("reset", () => resetTarget(dialect, url));
  await time("demo seed", () => {
    const args = ["--import", "tsx", "scripts/seed.ts", `--now=${now.toISOString()}`];
    const seeded = spawnSync("node", args, {
      cwd: ROOT,
      env: { SESSION_SECRET: BENCH_SESSION_SECRET, ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn", SEED_DEMO: "never" },
      encoding: "utf8",
    });
    if (seeded.status !== 0) throw new Error(`bench: npm run seed failed: ${seeded.stderr || seeded.stdout}`);
  });

  const writer = dialect === "sqlite" ? sqliteWriter(sqliteFile(url)) : await postgresWriter(url);
  try {
    // "building" until the end: an interrupted run leaves a database the next run rebuilds.
    const marker = (value: unknown) =>
      writer.insert({ name: "Setting", columns: [["key", "text"], ["value", "text"], ["updatedAt", "timestamp"]] }, [
        [MARKER_KEY, JSON.stringify(value), dialect === "sqlite" ? sqliteTime(now) : now.toISOString()],
      ]);
    await marker({ building: shape });
    const counts = await generate(writer, shape, now, log, time);
    await writer.exec("BEGIN");
    await writer.exec(`DELETE FROM "Setting" WHERE "key" = '${MARKER_KEY}'`);
    await marker({ shape, counts });
    await writer.exec("COMMIT");
    timings.total = Math.round(performance.now() - totalStarted);
    log(`${dialect}: done in ${timings.total} ms: ${JSON.stringify(counts)}`);
    return { dialect, url, reused: false, shape, counts, timings };
  } finally {
    await writer.close();
  }
}

function redact(url: string) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

type Timer = <R>(step: string, work: () => Promise<R> | R) => Promise<R>;

async function generate(writer: Writer, shape: BenchShape, now: Date, log: (m: string) => void, time: Timer): Promise<BenchCounts> {
  const random = seededRandom(shape.seed);
  const isSqlite = writer.dialect === "sqlite";
  const stamp = (date: Date) => (isSqlite ? sqliteTime(date) : date.toISOString());
  const firstYear = shape.creditYear - shape.years + 1;

  // What the demo left: the district, the competencies, the HR account that records things.
  const [district] = await writer.all<{ id: number; path: string; code: string }>(`SELECT "id", "path", "code" FROM "Unit" WHERE "kind" = 'district' ORDER BY "id" LIMIT 1`);
  const competencyIds = (
    await writer.all<{ id: number }>(
      `SELECT c."id" FROM "Competency" c JOIN "CompetencyFramework" f ON f."id" = c."frameworkId" WHERE f."status" = 'active' ORDER BY c."sortOrder", c."id"`,
    )
  ).map((row) => Number(row.id));
  const [hr] = await writer.all<{ id: number }>(`SELECT "id" FROM "User" WHERE "username" = 'hr'`);
  const maxId = async (table: string) => Number((await writer.all<{ m: number | null }>(`SELECT MAX("id") AS m FROM "${table}"`))[0].m ?? 0);
  let unitId = await maxId("Unit");
  let personId = await maxId("Person");
  let entryId = await maxId("LedgerEntry");
  const [{ n: demoPeople }] = await writer.all<{ n: number }>(`SELECT COUNT(*) AS n FROM "Person"`);
  const hrId = Number(hr.id);
  const createdAt = stamp(now);

  // Years before the demo's three: closed, with the same default policy as the demo's years.
  await writer.exec("BEGIN");
  for (let year = firstYear; year < shape.creditYear; year++) {
    const closedAt = stamp(shanghaiDate(year + 1, 1, 20));
    await writer.exec(
      `INSERT INTO "CreditYear" ("year", "status", "closedAt", "closedById") VALUES (${year}, 'closed', '${closedAt}', ${hrId}) ON CONFLICT ("year") DO NOTHING`,
    );
    await writer.exec(
      `INSERT INTO "CreditPolicy" ("year", "version", "rules", "reason", "createdById", "createdAt")
       SELECT ${year}, 1, "rules", '基准测试数据 Benchmark data', ${hrId}, '${stamp(shanghaiDate(year - 1, 12, 15))}'
       FROM "CreditPolicy" WHERE NOT EXISTS (SELECT 1 FROM "CreditPolicy" WHERE "year" = ${year})
       ORDER BY "year", "version" LIMIT 1`,
    );
  }
  await writer.exec("COMMIT");

  // ------------------------------------------------------------ units
  type Area = { id: number; street: number };
  const areas: Area[] = [];
  const unitRows: Row[] = [];
  const peopleWanted = shape.people - Number(demoPeople);
  let plannedPeople = 0;
  const areaSizes: number[] = [];
  for (let street = 1; plannedPeople < peopleWanted; street++) {
    const streetId = ++unitId;
    const streetPath = `${district.path}${streetId}/`;
    const road = ROAD_FIRST.slice((street * 2) % ROAD_FIRST.length, ((street * 2) % ROAD_FIRST.length) + 2) || "新华";
    const code = `${district.code}-B${String(street).padStart(3, "0")}`;
    unitRows.push([streetId, code, `${road}${ROAD_SECOND[street % ROAD_SECOND.length]}第${street}街道`, `Bench Subdistrict ${street}`, "street", district.id, streetPath, 100 + street, createdAt]);
    const areaCount = random.int(28, 50);
    for (let a = 1; a <= areaCount && plannedPeople < peopleWanted; a++) {
      const id = ++unitId;
      const size = Math.min(random.int(10, 18), peopleWanted - plannedPeople);
      plannedPeople += size;
      areaSizes.push(size);
      areas.push({ id, street });
      const word = random.pick(AREA_WORDS);
      unitRows.push([id, `${code}-${String(a).padStart(2, "0")}`, `${road}${word}${a}居民区`, `Bench Area ${street}-${a}`, "area", streetId, `${streetPath}${id}/`, a, createdAt]);
    }
  }
  await time(`units (${unitRows.length})`, async () => {
    await writer.exec("BEGIN");
    await writer.insert(T.unit, unitRows);
    await writer.exec("COMMIT");
  });

  // ------------------------------------------------------------ summaries off during the load
  const sqliteTriggers = isSqlite
    ? await writer.all<{ name: string; sql: string }>(
        `SELECT "name", "sql" FROM sqlite_master WHERE type = 'trigger' AND name IN ('LedgerEntry_summary', 'LedgerCompetency_summary')`,
      )
    : [];
  let pgTriggersDisabled = false;
  if (isSqlite) {
    for (const trigger of sqliteTriggers) await writer.exec(`DROP TRIGGER "${trigger.name}"`);
  } else {
    // Replica mode skips every trigger of this session, including the per-row foreign-key
    // checks (4½ million of them would triple the load time); the rows are consistent by
    // construction, and the summaries are built below. Needs a superuser, like CREATE DATABASE.
    try {
      await writer.exec(`SET session_replication_role = replica`);
    } catch {
      log("postgresql: not a superuser; only the summary triggers are switched off (slower load)");
      pgTriggersDisabled = true;
      await writer.exec(`ALTER TABLE "LedgerEntry" DISABLE TRIGGER "LedgerEntry_summary"`);
      await writer.exec(`ALTER TABLE "LedgerCompetency" DISABLE TRIGGER "LedgerCompetency_summary"`);
    }
  }
  const firstBenchPerson = personId + 1;

  // ------------------------------------------------------------ people and their history
  const counts = { ledgerEntries: 0, ledgerCompetencies: 0, reversals: 0, appraisals: 0, gradeRecords: 0 };
  const PEOPLE_PER_TRANSACTION = 2000;
  const goLive = shanghaiDate(firstYear, 1, 1);
  const yearStart = (year: number) => shanghaiDate(year, 1, 1).getTime();
  const yearEnd = (year: number) => Math.min(shanghaiDate(year + 1, 1, 1).getTime() - DAY, now.getTime() - DAY);
  let areaIndex = 0;
  let leftInArea = areaSizes[0];
  let postInArea = 0;
  const loadStarted = performance.now();
  await time("people, grades, appraisals, ledger", async () => {
  while (areaIndex < areas.length) {
    const people: Row[] = [];
    const grades: Row[] = [];
    const appraisals: Row[] = [];
    const entries: Row[] = [];
    const shares: Row[] = [];
    while (people.length < PEOPLE_PER_TRANSACTION && areaIndex < areas.length) {
      const id = ++personId;
      const post = POSTS[postInArea === 0 ? 0 : postInArea <= 2 ? 1 : 2];
      const service = post.code === "head" ? random.int(6, 26) : post.code === "supervisor" ? random.int(3, 18) : random.int(0, 12);
      const hiredOn = shanghaiDate(shape.creditYear - service, random.int(1, 12), random.int(1, 28));
      const education = random.pick(EDUCATION);
      const certificate = random.pick(CERTIFICATES);
      // 三岗十八级 as in the demo: the post's first grade, raised for education and
      // certificates, then about one grade per three years of service.
      const bonus = Math.min(2, (education === "master" ? 1 : 0) + (certificate === "intermediate" ? 1 : certificate === "senior" ? 2 : 0));
      let grade = Math.min(post.maxGrade, post.minGrade + bonus + Math.floor(Math.max(0, service - shape.years) / 3));
      grades.push([id, post.code, grade, stamp(goLive), "initial", "系统上线时的在册等级 Grade on record at go-live", hrId, stamp(goLive)]);
      for (let year = firstYear + 1; year <= shape.creditYear; year++) {
        if (grade < post.maxGrade && random.next() < 0.22) {
          grade += 1;
          const from = shanghaiDate(year, 1, 1);
          grades.push([id, post.code, grade, stamp(from), "regular", "", hrId, stamp(from)]);
        }
      }
      const female = random.next() < 0.72;
      people.push([
        id,
        `B${String(id).padStart(6, "0")}`,
        random.pick(SURNAMES) + random.pick(GIVEN) + (random.next() < 0.7 ? random.pick(GIVEN) : ""),
        female ? "female" : "male",
        hiredOn.getUTCFullYear() - random.int(22, 34),
        areas[areaIndex].id,
        post.code,
        grade,
        stamp(hiredOn),
        post.code === "head" ? stamp(shanghaiDate(shape.creditYear - random.int(1, Math.min(12, service)), random.int(1, 12), 1)) : null,
        education,
        certificate,
        `13${random.int(0, 9)}${String(random.int(0, 99_999_999)).padStart(8, "0")}`,
        true,
        createdAt,
        createdAt,
      ]);

      for (let year = firstYear; year <= shape.creditYear; year++) {
        if (year < shape.creditYear) {
          const roll = random.next();
          const rating = roll < 0.15 ? RATINGS[0] : roll < 0.9 ? RATINGS[1] : roll < 0.98 ? RATINGS[2] : RATINGS[3];
          const recorded = stamp(shanghaiDate(year + 1, 1, 25));
          appraisals.push([id, year, rating, "", hrId, recorded, recorded]);
        }
        // The year's points: most people meet the 56-point requirement, some fall short.
        const roll = random.next();
        const target = roll < 0.78 ? random.int(5600, 7400) : roll < 0.92 ? random.int(4000, 5500) : random.int(2000, 3900);
        const count = random.int(16, 28);
        const from = yearStart(year);
        const span = Math.max(DAY, yearEnd(year) - from);
        for (let k = 0; k < count; k++) {
          const id2 = ++entryId;
          const r = random.next();
          const category = CATEGORY_MIX.find(([, upTo]) => r < upTo)![0];
          let amount = Math.max(25, Math.round((target / count) * (0.5 + random.next()) / 25) * 25);
          if (category === "adjustment" && random.next() < 0.25) amount = -amount;
          const when = new Date(from + Math.floor(random.next() * span));
          const parts = random.int(1, 3);
          const start = random.int(0, competencyIds.length - 1);
          const weights = Array.from({ length: parts }, (_, i) => ({
            competencyId: competencyIds[(start + i * 3) % competencyIds.length],
            weight: random.int(1, 3),
          }));
          const split = splitByWeights(amount, weights).filter((share) => share.amount !== 0);
          entries.push([id2, id, year, amount, category, SOURCE_TYPE[category], `bench:${id}:${year}:${k}`, null, "", category === "adjustment" ? hrId : null, stamp(when)]);
          for (const share of split) shares.push([id2, share.competencyId, share.amount]);
          if (category !== "adjustment" && random.next() < REVERSAL_RATE) {
            const reversalId = ++entryId;
            const later = new Date(Math.min(when.getTime() + random.int(1, 30) * DAY, from + span));
            entries.push([reversalId, id, year, -amount, category, "reversal", `reversal:${id2}`, id2, "基准测试冲销 Benchmark reversal", hrId, stamp(later)]);
            for (const share of split) shares.push([reversalId, share.competencyId, -share.amount]);
            counts.reversals += 1;
          }
        }
      }

      postInArea += 1;
      leftInArea -= 1;
      if (leftInArea === 0) {
        areaIndex += 1;
        leftInArea = areaSizes[areaIndex];
        postInArea = 0;
      }
    }
    await writer.exec("BEGIN");
    await writer.insert(T.person, people);
    await writer.insert(T.grade, grades);
    await writer.insert(T.appraisal, appraisals);
    await writer.insert(T.entry, entries);
    await writer.insert(T.share, shares);
    await writer.exec("COMMIT");
    counts.ledgerEntries += entries.length;
    counts.ledgerCompetencies += shares.length;
    counts.appraisals += appraisals.length;
    counts.gradeRecords += grades.length;
    log(`${writer.dialect}: ${personId - firstBenchPerson + 1} people, ${counts.ledgerEntries} entries (${Math.round(performance.now() - loadStarted)} ms)`);
  }
  });

  // ------------------------------------------------------------ summaries of the new people
  await time("summaries (one INSERT … SELECT per table)", async () => {
    await writer.exec("BEGIN");
    await writer.exec(`INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries")
      SELECT "personId", "creditYear", "category", SUM("amount"), COUNT(*) FROM "LedgerEntry"
      WHERE "personId" >= ${firstBenchPerson} GROUP BY "personId", "creditYear", "category"`);
    await writer.exec(`INSERT INTO "CreditCompetencySummary" ("personId", "creditYear", "competencyId", "amount")
      SELECT e."personId", e."creditYear", c."competencyId", SUM(c."amount")
      FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId"
      WHERE e."personId" >= ${firstBenchPerson} GROUP BY e."personId", e."creditYear", c."competencyId"`);
    if (isSqlite) {
      for (const trigger of sqliteTriggers) await writer.exec(trigger.sql);
    } else {
      await writer.exec(`SET session_replication_role = origin`);
      if (pgTriggersDisabled) {
        await writer.exec(`ALTER TABLE "LedgerEntry" ENABLE TRIGGER "LedgerEntry_summary"`);
        await writer.exec(`ALTER TABLE "LedgerCompetency" ENABLE TRIGGER "LedgerCompetency_summary"`);
      }
      for (const table of ["Unit", "Person", "LedgerEntry", "GradeRecord", "Appraisal"]) {
        await writer.exec(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT MAX("id") FROM "${table}"))`);
      }
    }
    await writer.exec("COMMIT");
  });
  await time("analyze", () => writer.exec("ANALYZE"));

  const count = async (sql: string) => Number((await writer.all<{ n: number | string }>(sql))[0].n);
  return {
    units: await count(`SELECT COUNT(*) AS n FROM "Unit"`),
    people: await count(`SELECT COUNT(*) AS n FROM "Person"`),
    ledgerEntries: await count(`SELECT COUNT(*) AS n FROM "LedgerEntry"`),
    ledgerCompetencies: await count(`SELECT COUNT(*) AS n FROM "LedgerCompetency"`),
    reversals: await count(`SELECT COUNT(*) AS n FROM "LedgerEntry" WHERE "sourceType" = 'reversal'`),
    appraisals: await count(`SELECT COUNT(*) AS n FROM "Appraisal"`),
    gradeRecords: await count(`SELECT COUNT(*) AS n FROM "GradeRecord"`),
    creditSummaries: await count(`SELECT COUNT(*) AS n FROM "CreditSummary"`),
    competencySummaries: await count(`SELECT COUNT(*) AS n FROM "CreditCompetencySummary"`),
  };
}
