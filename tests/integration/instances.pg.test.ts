// Several app instances on one PostgreSQL database: two real server processes (different
// ports, same SESSION_SECRET, like two machines behind a load balancer) must serve each
// other's users. A session made on one is honoured — and ended — on the other; failed sign-ins
// counted on both lock the account; the check-in code a trainer reads off one is accepted by
// the other; the API rate limit counts requests to both together. Then the cluster mode
// (`npm run serve:cluster`, two workers on one port) replaces a killed worker and stops
// cleanly on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/utils/db.server";
import { DEMO_PASSWORD, ensureBuild, killHard, ROOT, startServer, type RunningServer } from "../crash/harness";

const PORT_A = 3278;
const PORT_B = 3279;
const dir = mkdtempSync(path.join(os.tmpdir(), "lane-instances-"));
let a: RunningServer;
let b: RunningServer;

async function signIn(url: string, username: string, password = DEMO_PASSWORD) {
  return fetch(`${url}/login`, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual" });
}

async function cookieFor(url: string, username: string) {
  const response = await signIn(url, username);
  expect(response.status).toBe(302);
  return response.headers.get("set-cookie")!.split(";")[0];
}

const get = (url: string, cookie: string) => fetch(url, { headers: { cookie }, redirect: "manual" });

beforeAll(async () => {
  await ensureBuild();
  const common = { databaseUrl: process.env.DATABASE_URL!, dataDir: dir, sessionSecret: process.env.SESSION_SECRET! };
  // The first one migrates and seeds the demo; the second finds it done.
  a = await startServer({ ...common, port: PORT_A, label: "a" });
  b = await startServer({ ...common, port: PORT_B, label: "b" });
}, 180_000);

afterAll(async () => {
  if (a) await killHard(a);
  if (b) await killHard(b);
  if (!process.env.KEEP_INSTANCE_LOGS) rmSync(dir, { recursive: true, force: true });
});

describe("two instances on one PostgreSQL", () => {
  it("a session made on one instance works on the other, and signing out on the other ends it", async () => {
    const cookie = await cookieFor(a.url, "secretary");
    expect((await get(`${b.url}/my`, cookie)).status).toBe(200);
    const out = await fetch(`${b.url}/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.status).toBe(302);
    const after = await get(`${a.url}/my`, cookie);
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login/);
  });

  it("failed sign-ins on both instances add up to one lock-out", async () => {
    // Five failures lock the account (app/auth/throttle.server.ts); spread them over A and B.
    for (let i = 0; i < 5; i++) {
      const response = await signIn(i % 2 === 0 ? a.url : b.url, "trainer2", "wrong password");
      expect(response.status).toBe(400);
    }
    // Now even the right password is refused, on either instance.
    expect((await signIn(a.url, "trainer2")).status).toBe(429);
    expect((await signIn(b.url, "trainer2")).status).toBe(429);
  });

  it("a check-in code shown by one instance is accepted by the other", async () => {
    const trainer = await db.user.findUniqueOrThrow({ where: { username: "trainer" }, select: { id: true } });
    // A class of the trainer with a learner who can sign in, and a session running now.
    const enrolment = await db.enrolment.findFirstOrThrow({
      where: { status: "enrolled", offering: { trainerId: trainer.id, status: "published" }, person: { user: { isNot: null } } },
      select: { offeringId: true, person: { select: { user: { select: { username: true } } } } },
    });
    const now = Date.now();
    const session = await db.classSession.create({
      data: { offeringId: enrolment.offeringId, title: "跨实例签到", startsAt: new Date(now - 10 * 60_000), endsAt: new Date(now + 60 * 60_000), checkinSecret: "instances-test-secret-0001" },
      select: { id: true },
    });
    const trainerCookie = await cookieFor(a.url, "trainer");
    const page = await (await get(`${a.url}/trainer/sessions/${session.id}`, trainerCookie)).text();
    const code = /class="checkin-code"[^>]*>([^<]+)</.exec(page)?.[1]?.replace(/\s/g, "");
    expect(code).toMatch(/^[2-9A-Z-]{6,7}$/);

    const learnerCookie = await cookieFor(b.url, enrolment.person.user!.username);
    const answer = await fetch(`${b.url}/my/check-in`, {
      method: "POST",
      body: new URLSearchParams({ code: code! }),
      headers: { cookie: learnerCookie, accept: "text/html" },
      redirect: "manual",
    });
    expect(answer.status).toBe(200);
    const attendance = await db.attendance.findMany({ where: { sessionId: session.id }, select: { status: true, method: true } });
    expect(attendance).toEqual([{ status: "present", method: "self_checkin" }]);
  });

  it("the API rate limit counts requests to both instances together", async () => {
    // Fixed one-minute windows: start early in one so the test does not straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
    const cookie = await cookieFor(a.url, "hr");
    const remaining: number[] = [];
    let refusedAt = -1;
    for (let i = 0; i < 130 && refusedAt < 0; i++) {
      const response = await get(`${(i % 2 === 0 ? a : b).url}/api/v1/people?limit=1`, cookie);
      if (response.status === 429) refusedAt = i;
      else {
        expect(response.status).toBe(200);
        remaining.push(Number(response.headers.get("x-ratelimit-remaining")));
      }
    }
    // 120 a minute per caller: the 121st request is refused, whichever instance gets it.
    expect(refusedAt).toBe(120);
    expect(remaining.slice(0, 3)).toEqual([119, 118, 117]);
  }, 120_000);
});

describe("cluster mode (server/cluster.ts)", () => {
  let primary: ChildProcess | null = null;
  afterAll(() => {
    if (primary && primary.exitCode === null) primary.kill("SIGKILL");
  });

  const workers = (pid: number) =>
    spawnSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" })
      .stdout.split("\n")
      .filter((line) => line.includes("server/index.ts"))
      .map((line) => Number(line.trim().split(/\s+/)[0]));

  async function until<T>(what: () => Promise<T> | T, ok: (value: T) => boolean, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await Promise.resolve().then(what).catch(() => undefined as T);
      if (value !== undefined && ok(value)) return value;
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("runs two workers on one port, replaces a killed one, and stops cleanly on SIGTERM", { timeout: 180_000 }, async () => {
    const port = 3277;
    primary = spawn(process.execPath, ["--import", "tsx", "server/cluster.ts"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", WEB_CONCURRENCY: "2", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent", DATA_DIR: path.join(dir, "cluster") },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => primary!.once("exit", (code) => resolve(code)));
    const pid = primary.pid!;
    await until(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status), (s) => s === 200);
    const first = await until(() => workers(pid), (w) => w.length === 2);

    process.kill(first[0], "SIGKILL");
    const replaced = await until(() => workers(pid), (w) => w.length === 2 && !w.includes(first[0]));
    expect(replaced).toContain(first[1]);
    // Both workers answer: a run of requests all succeed while the new one comes up.
    await until(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status), (s) => s === 200);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    primary.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(workers(pid)).toEqual([]);
  });

  it("refuses several workers on SQLite, with one line saying why", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "server/cluster.ts"], {
      cwd: ROOT,
      env: { ...process.env, WEB_CONCURRENCY: "2", DATABASE_URL: `file:${path.join(dir, "refused.db")}`, LOG_LEVEL: "silent" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/several workers need PostgreSQL/);
  });
});
