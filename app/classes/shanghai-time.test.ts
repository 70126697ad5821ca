import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  parseShanghaiDateTime,
  parseShanghaiLocal,
  shanghaiMonthRange,
  shanghaiYearOf,
  toShanghaiDate,
  toShanghaiLocal,
  toShanghaiTime,
} from "./shanghai-time";

const originalTz = process.env.TZ;
afterEach(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe("Shanghai wall-clock time", () => {
  it("reads a datetime-local value as UTC+8 and writes it back", () => {
    const instant = parseShanghaiLocal("2026-03-10T09:00");
    expect(instant?.toISOString()).toBe("2026-03-10T01:00:00.000Z");
    expect(toShanghaiLocal(instant!)).toBe("2026-03-10T09:00");
    expect(toShanghaiLocal("2026-03-10T01:00:00.000Z")).toBe("2026-03-10T09:00");
    expect(parseShanghaiLocal("2026-03-10T09:00:30")?.toISOString()).toBe("2026-03-10T01:00:30.000Z");
  });

  it("puts early-morning Shanghai times on the previous UTC day, and New Year in the right year", () => {
    const newYear = parseShanghaiLocal("2026-01-01T07:30")!;
    expect(newYear.toISOString()).toBe("2025-12-31T23:30:00.000Z");
    expect(shanghaiYearOf(newYear)).toBe(2026);
    expect(toShanghaiDate(newYear)).toBe("2026-01-01");
    expect(toShanghaiTime(newYear)).toBe("07:30");
    expect(parseShanghaiDateTime("2026-01-01", "07:30")?.getTime()).toBe(newYear.getTime());
  });

  it("refuses what isn't a real time", () => {
    for (const bad of ["", "2026-02-30T09:00", "2026-13-01T09:00", "2026-03-10T24:00", "2026-03-10 09:00", "10/03/2026 09:00", "2026-03-10T09:60"]) {
      expect(parseShanghaiLocal(bad), bad).toBeNull();
    }
    expect(parseShanghaiDateTime("2026-02-29", "09:00")).toBeNull();
    expect(parseShanghaiDateTime("2028-02-29", "09:00")?.toISOString()).toBe("2028-02-29T01:00:00.000Z");
    expect(parseShanghaiDateTime("2026-03-10", "9am")).toBeNull();
  });

  it("does not depend on the process's time zone", () => {
    // Offsets on 1 July 2026: proof that the process's zone really changed.
    for (const [tz, offset] of [["America/Los_Angeles", 420], ["Europe/London", -60], ["Asia/Kolkata", -330], ["UTC", 0]] as const) {
      process.env.TZ = tz;
      expect(new Date("2026-07-01T00:00:00Z").getTimezoneOffset(), tz).toBe(offset);
      expect(parseShanghaiLocal("2026-03-29T02:30")?.toISOString(), tz).toBe("2026-03-28T18:30:00.000Z");
      expect(toShanghaiLocal(new Date("2026-11-01T09:15:00Z")), tz).toBe("2026-11-01T17:15");
    }
  });

  it("round-trips every minute (property)", () => {
    const minute = 60_000;
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1) / minute, max: Date.UTC(2099, 11, 31) / minute }), (minutes) => {
        const instant = new Date(minutes * minute);
        expect(parseShanghaiLocal(toShanghaiLocal(instant))?.getTime()).toBe(instant.getTime());
        expect(parseShanghaiDateTime(toShanghaiDate(instant), toShanghaiTime(instant))?.getTime()).toBe(instant.getTime());
      }),
    );
  });

  it("gives a Shanghai month as a UTC range", () => {
    expect(shanghaiMonthRange("2026-04")).toEqual({ start: new Date("2026-03-31T16:00:00Z"), end: new Date("2026-04-30T16:00:00Z") });
    expect(shanghaiMonthRange("2026-13")).toBeNull();
  });
});
