import { describe, expect, it } from "vitest";
import { campLength } from "./length";

describe("campLength", () => {
  it("counts Shanghai calendar days, both ends included, and one night fewer", () => {
    // Monday 09:00 to Friday 17:00 in Shanghai (UTC+8): the boot camp's 5 days, 4 nights.
    expect(campLength("2026-03-09T01:00:00Z", "2026-03-13T09:00:00Z")).toEqual({ days: 5, nights: 4 });
    expect(campLength("2026-03-09T01:00:00Z", "2026-03-11T09:00:00Z")).toEqual({ days: 3, nights: 2 });
    // 23:30 UTC is already the next day in Shanghai: the dates, not the UTC days, count.
    expect(campLength("2026-03-08T23:30:00Z", "2026-03-09T09:00:00Z")).toEqual({ days: 1, nights: 0 });
    expect(campLength(new Date("2026-03-09T01:00:00Z"), new Date("2026-03-09T01:00:00Z"))).toEqual({ days: 1, nights: 0 });
  });
});
