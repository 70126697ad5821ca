// Rotating self check-in codes.
//
// A code is derived, never stored: HMAC-SHA256 keyed with the app's SESSION_SECRET over the
// session's own checkinSecret and the time step, read as a number and written in an
// alphabet without look-alikes. Every instance computes the same code from the same secrets,
// and a copy of the database alone cannot produce one (the app secret is not in it).
//
// Timing: a new code every CHECKIN_STEP_MS; the current and the previous code are accepted,
// so a code read off the screen stays good for at least one and at most two minutes — long
// enough for a slow typist, too short for a photo sent to a friend to still work by the time
// they are on their way. Codes exist only inside the session's check-in window.
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/utils/env.server";

/** Digits and capitals without 0/O, 1/I/L: 31 symbols that can't be misread. */
export const CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CHECKIN_CODE_LENGTH = 6;
/** A code's life on screen. */
export const CHECKIN_STEP_MS = 60_000;
/** Steps before the current one that are still accepted. */
export const CHECKIN_ACCEPTED_PREVIOUS_STEPS = 1;
/** Check-in opens this long before a session starts, and closes when it ends. */
export const CHECKIN_OPENS_BEFORE_START_MS = 30 * 60_000;
/**
 * How many steps back a typed code is still recognised, only to answer "that code has
 * expired" rather than "that code is wrong". Recognising it grants nothing.
 */
export const CHECKIN_RECOGNISED_STEPS = 30;

export type CheckinSessionSecret = { checkinSecret: string; startsAt: Date; endsAt: Date };
export type CheckinState = "upcoming" | "open" | "closed";

export function checkinStep(now: Date): number {
  return Math.floor(now.getTime() / CHECKIN_STEP_MS);
}

export function checkinWindow(session: { startsAt: Date; endsAt: Date }): { opensAt: Date; closesAt: Date } {
  return { opensAt: new Date(session.startsAt.getTime() - CHECKIN_OPENS_BEFORE_START_MS), closesAt: session.endsAt };
}

/** Open from CHECKIN_OPENS_BEFORE_START_MS before the start until (not including) the end. */
export function checkinState(session: { startsAt: Date; endsAt: Date }, now: Date): CheckinState {
  const { opensAt, closesAt } = checkinWindow(session);
  if (now.getTime() < opensAt.getTime()) return "upcoming";
  if (now.getTime() >= closesAt.getTime()) return "closed";
  return "open";
}

const BASE = BigInt(CHECKIN_ALPHABET.length);

/**
 * The code of one session for one time step. 64 bits of the HMAC reduced to six base-31
 * digits (31^6 ≈ 8.9 × 10^8; the modulo bias of 2^64 over that is below 10^-9).
 */
export function deriveCheckinCode(appSecret: string, sessionSecret: string, step: number): string {
  const mac = createHmac("sha256", appSecret).update(`lane-checkin\u0000${sessionSecret}\u0000${step}`).digest();
  let n = mac.readBigUInt64BE(0);
  let code = "";
  for (let i = 0; i < CHECKIN_CODE_LENGTH; i++) {
    code = CHECKIN_ALPHABET[Number(n % BASE)] + code;
    n /= BASE;
  }
  return code;
}

/**
 * What a person typed, as a code: upper case, spaces and dashes dropped. Null when it cannot
 * be a code at all (wrong length or a symbol the alphabet doesn't have).
 */
export function normalizeCheckinCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s\-_.·]/g, "");
  if (code.length !== CHECKIN_CODE_LENGTH) return null;
  for (const ch of code) if (!CHECKIN_ALPHABET.includes(ch)) return null;
  return code;
}

function appSecret(given?: string) {
  return given ?? env().SESSION_SECRET;
}

export type CurrentCode = {
  code: string;
  /** When the next code replaces this one on screen. */
  changesAt: Date;
  /** The last moment this code is accepted (end of the following step). */
  acceptedUntil: Date;
};

/** The code to show now, or null outside the session's check-in window. */
export function currentCheckinCode(session: CheckinSessionSecret, now: Date, secret?: string): CurrentCode | null {
  if (checkinState(session, now) !== "open") return null;
  const step = checkinStep(now);
  return {
    code: deriveCheckinCode(appSecret(secret), session.checkinSecret, step),
    changesAt: new Date((step + 1) * CHECKIN_STEP_MS),
    acceptedUntil: new Date((step + 1 + CHECKIN_ACCEPTED_PREVIOUS_STEPS) * CHECKIN_STEP_MS),
  };
}

function sameCode(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * How a typed (normalised) code relates to a session at `now`, ignoring the window:
 * "current" for this step's or an accepted previous step's code, "expired" for an older one
 * still recognised, "none" otherwise. The caller checks the window (checkinState).
 */
export function matchCheckinCode(
  session: Pick<CheckinSessionSecret, "checkinSecret">,
  code: string,
  now: Date,
  secret?: string,
): "current" | "expired" | "none" {
  const key = appSecret(secret);
  const step = checkinStep(now);
  let found: "current" | "expired" | "none" = "none";
  // Every candidate step is computed and compared, so the time taken says nothing about
  // which step (if any) matched.
  for (let back = 0; back <= CHECKIN_RECOGNISED_STEPS; back++) {
    if (sameCode(deriveCheckinCode(key, session.checkinSecret, step - back), code) && found === "none") {
      found = back <= CHECKIN_ACCEPTED_PREVIOUS_STEPS ? "current" : "expired";
    }
  }
  return found;
}
