// Check-in codes with fixed clocks: derivation, rotation, the accepted steps and the window.
// No test here reads the wall clock.
import { describe, expect, it } from "vitest";
import {
  CHECKIN_ACCEPTED_PREVIOUS_STEPS,
  CHECKIN_ALPHABET,
  CHECKIN_CODE_LENGTH,
  CHECKIN_OPENS_BEFORE_START_MS,
  CHECKIN_RECOGNISED_STEPS,
  CHECKIN_STEP_MS,
  checkinState,
  checkinStep,
  currentCheckinCode,
  deriveCheckinCode,
  matchCheckinCode,
  normalizeCheckinCode,
} from "./checkin-code.server";
import { qrSvg, checkinUrl } from "./qr.server";

const APP = "app-secret-app-secret-app-secret-1234";
const session = {
  checkinSecret: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  startsAt: new Date("2026-03-10T01:00:00.000Z"), // 09:00 in Shanghai
  endsAt: new Date("2026-03-10T04:00:00.000Z"),
};
/** A moment on a step boundary inside the window. */
const T = new Date("2026-03-10T01:15:00.000Z");
const at = (ms: number) => new Date(T.getTime() + ms);

describe("deriveCheckinCode", () => {
  it("is six symbols from an alphabet without 0, O, 1, I or L", () => {
    expect(CHECKIN_CODE_LENGTH).toBe(6);
    for (const ch of "0O1IL") expect(CHECKIN_ALPHABET).not.toContain(ch);
    expect(new Set(CHECKIN_ALPHABET).size).toBe(CHECKIN_ALPHABET.length);
    for (let step = 0; step < 500; step++) {
      const code = deriveCheckinCode(APP, session.checkinSecret, step);
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    }
  });

  it("is a pure function of the app secret, the session's secret and the step", () => {
    const code = deriveCheckinCode(APP, session.checkinSecret, 29_000_000);
    expect(deriveCheckinCode(APP, session.checkinSecret, 29_000_000)).toBe(code);
    // Pinned (and checked by hand with Python's hmac module), so that every instance and
    // every future version agrees on a code.
    expect(code).toBe("A39DAB");
    expect(deriveCheckinCode(APP + "x", session.checkinSecret, 29_000_000)).not.toBe(code);
    expect(deriveCheckinCode(APP, session.checkinSecret + "x", 29_000_000)).not.toBe(code);
  });

  it("spreads over the whole alphabet and rarely repeats between steps", () => {
    const seen = new Set<string>();
    const codes = new Set<string>();
    for (let step = 0; step < 2000; step++) {
      const code = deriveCheckinCode(APP, "spread", step);
      codes.add(code);
      for (const ch of code) seen.add(ch);
    }
    expect(seen.size).toBe(CHECKIN_ALPHABET.length);
    expect(codes.size).toBeGreaterThan(1995);
  });
});

describe("rotation", () => {
  it("changes every minute and holds still within one", () => {
    const first = currentCheckinCode(session, T, APP)!;
    expect(currentCheckinCode(session, at(59_999), APP)!.code).toBe(first.code);
    expect(currentCheckinCode(session, at(60_000), APP)!.code).not.toBe(first.code);
    expect(first.changesAt).toEqual(at(CHECKIN_STEP_MS));
    expect(first.acceptedUntil).toEqual(at(2 * CHECKIN_STEP_MS));
    expect(checkinStep(at(59_999))).toBe(checkinStep(T));
  });

  it("accepts the current and the previous code, and calls older ones expired", () => {
    expect(CHECKIN_ACCEPTED_PREVIOUS_STEPS).toBe(1);
    const shown = currentCheckinCode(session, T, APP)!.code;
    expect(matchCheckinCode(session, shown, T, APP)).toBe("current");
    // A slow typist a minute later.
    expect(matchCheckinCode(session, shown, at(60_000), APP)).toBe("current");
    expect(matchCheckinCode(session, shown, at(119_999), APP)).toBe("current");
    // A photo sent to a friend: stale after two minutes at most.
    expect(matchCheckinCode(session, shown, at(120_000), APP)).toBe("expired");
    expect(matchCheckinCode(session, shown, at(CHECKIN_RECOGNISED_STEPS * CHECKIN_STEP_MS), APP)).toBe("expired");
    expect(matchCheckinCode(session, shown, at((CHECKIN_RECOGNISED_STEPS + 1) * CHECKIN_STEP_MS), APP)).toBe("none");
    // A code from the future (the next step) is not accepted either.
    const next = currentCheckinCode(session, at(60_000), APP)!.code;
    expect(matchCheckinCode(session, next, T, APP)).toBe("none");
  });

  it("belongs to one session", () => {
    const shown = currentCheckinCode(session, T, APP)!.code;
    expect(matchCheckinCode({ checkinSecret: "another session" }, shown, T, APP)).toBe("none");
    expect(matchCheckinCode(session, "ABCDEF", T, APP)).toBe(shown === "ABCDEF" ? "current" : "none");
  });
});

describe("the check-in window", () => {
  it("opens 30 minutes before the start and closes at the end", () => {
    expect(CHECKIN_OPENS_BEFORE_START_MS).toBe(30 * 60_000);
    const opens = new Date(session.startsAt.getTime() - CHECKIN_OPENS_BEFORE_START_MS);
    expect(checkinState(session, new Date(opens.getTime() - 1))).toBe("upcoming");
    expect(checkinState(session, opens)).toBe("open");
    expect(checkinState(session, new Date(session.endsAt.getTime() - 1))).toBe("open");
    expect(checkinState(session, session.endsAt)).toBe("closed");
  });

  it("shows no code outside it", () => {
    expect(currentCheckinCode(session, new Date(session.startsAt.getTime() - 31 * 60_000), APP)).toBeNull();
    expect(currentCheckinCode(session, session.endsAt, APP)).toBeNull();
    expect(currentCheckinCode(session, new Date(session.startsAt.getTime() - 30 * 60_000), APP)).not.toBeNull();
  });

  it("uses SESSION_SECRET from the environment when no secret is given", () => {
    const fromEnv = currentCheckinCode(session, T)!.code;
    expect(fromEnv).toBe(deriveCheckinCode(process.env.SESSION_SECRET!, session.checkinSecret, checkinStep(T)));
  });
});

describe("normalizeCheckinCode", () => {
  it("takes what people type: lower case, spaces, dashes", () => {
    expect(normalizeCheckinCode("abc def")).toBe("ABCDEF");
    expect(normalizeCheckinCode(" 7k4-qpx ")).toBe("7K4QPX");
    expect(normalizeCheckinCode("7K4QPX")).toBe("7K4QPX");
  });

  it("refuses what can't be a code", () => {
    expect(normalizeCheckinCode("")).toBeNull();
    expect(normalizeCheckinCode("ABCDE")).toBeNull();
    expect(normalizeCheckinCode("ABCDEFG")).toBeNull();
    expect(normalizeCheckinCode("ABCDE0")).toBeNull();
    expect(normalizeCheckinCode("ABCDEI")).toBeNull();
    expect(normalizeCheckinCode("ABCDEL")).toBeNull();
    expect(normalizeCheckinCode("ABCDE1")).toBeNull();
    expect(normalizeCheckinCode("ABCDEO")).toBeNull();
    expect(normalizeCheckinCode("签到码一二三")).toBeNull();
  });
});

describe("the QR code", () => {
  it("points at /my/check-in on the request's origin with the code", () => {
    expect(checkinUrl("https://lane.example.org:8443/trainer/sessions/7?x=1", "7K4QPX")).toBe(
      "https://lane.example.org:8443/my/check-in?code=7K4QPX",
    );
  });

  it("is an SVG without inline styles or scripts", async () => {
    const svg = await qrSvg("http://localhost:3000/my/check-in?code=7K4QPX");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("viewBox");
    expect(svg).not.toMatch(/style=|<script|on\w+=/i);
  });
});
