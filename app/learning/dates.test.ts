import { describe, expect, it } from "vitest";
import { dateRange, dateTile, shanghaiDayNumber, timeRange } from "./dates";

describe("learner dates", () => {
  it("counts Shanghai calendar days, not UTC ones", () => {
    // 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai.
    expect(shanghaiDayNumber("2026-03-01T23:30:00Z") - shanghaiDayNumber("2026-03-01T01:00:00Z")).toBe(1);
    expect(shanghaiDayNumber("2026-03-01T15:59:00Z")).toBe(shanghaiDayNumber("2026-03-01T00:00:00Z"));
  });

  it("formats tiles and ranges in the reader's language, with plain spaces", () => {
    expect(dateTile("zh-CN", "2026-03-11T01:00:00Z")).toEqual({ month: "3月", day: "11", weekday: "周三" });
    expect(dateTile("en", "2026-03-11T01:00:00Z")).toEqual({ month: "Mar", day: "11", weekday: "Wed" });
    expect(timeRange("zh-CN", "2026-03-11T01:00:00Z", "2026-03-11T04:30:00Z")).toBe("09:00–12:30");
    expect(timeRange("en", "2026-03-11T01:00:00Z", "2026-03-11T04:30:00Z")).toMatch(/^09:00 ?– ?12:30$/);
    expect(timeRange("en", "2026-03-11T01:00:00Z", "2026-03-12T04:30:00Z")).not.toMatch(/[\u2009\u202f]/);
    expect(dateRange("zh-CN", "2026-03-10T01:00:00Z", "2026-03-12T09:00:00Z")).toBe("3月10日 – 3月12日");
    expect(dateRange("zh-CN", "2026-03-10T01:00:00Z", "2026-03-10T09:00:00Z")).toBe("3月10日");
  });
});
