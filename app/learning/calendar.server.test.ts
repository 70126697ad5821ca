import { describe, expect, it } from "vitest";
import { sessionsCalendar, sessionUid, type CalendarSession } from "./calendar.server";

const session = (id: number, overrides: Partial<CalendarSession> = {}): CalendarSession => ({
  id,
  title: "",
  startsAt: new Date("2026-03-10T01:00:00Z"),
  endsAt: new Date("2026-03-10T04:30:00Z"),
  venue: "",
  offering: {
    code: "CN-L1-01-2026-1",
    venue: "长宁区委党校, 201 室",
    course: { titleZh: "居民区党组织书记履职入门", titleEn: "Getting started as a secretary" },
    trainer: { displayName: "王老师" },
  },
  ...overrides,
});

describe("sessionsCalendar", () => {
  it("writes one VEVENT per session, in UTC, with a stable UID and escaped text", () => {
    const text = sessionsCalendar([session(7), session(8, { title: "第2讲", venue: "三楼" })], "zh-CN", new Date("2026-01-01T00:00:00Z"));
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(text).toContain(`UID:${sessionUid(7)}`);
    expect(sessionUid(7)).toBe("session-7@lane-academy");
    expect(text).toContain("DTSTART:20260310T010000Z");
    expect(text).toContain("DTEND:20260310T043000Z");
    expect(text).toContain("SUMMARY:居民区党组织书记履职入门 · 第2讲");
    expect(text).toContain("LOCATION:长宁区委党校\\, 201 室");
    expect(text).toContain("LOCATION:三楼");
    expect(text).toContain("DESCRIPTION:班次：CN-L1-01-2026-1\\n培训师：王老师");
    expect(text).toContain("X-WR-CALNAME:小巷学院课程");
  });

  it("is a valid empty calendar when nothing is coming up, and speaks English when asked", () => {
    const empty = sessionsCalendar([], "en");
    expect(empty).toContain("BEGIN:VCALENDAR");
    expect(empty).not.toContain("BEGIN:VEVENT");
    expect(sessionsCalendar([session(1, { offering: { ...session(1).offering, trainer: null } })], "en")).toMatch(
      /SUMMARY:Getting started as a secretary\r\n[\s\S]*DESCRIPTION:Class: CN-L1-01-2026-1\r\n/,
    );
  });
});
