import { describe, expect, it } from "vitest";
import { translator } from "~/i18n/i18n";
import { parsePayload, serializePayload } from "~/notifications/payload";
import { notificationText } from "./notification-text";

const zh = translator("zh-CN");
const en = translator("en");

describe("notificationText", () => {
  it("renders a stored payload in the reader's language", () => {
    const message = parsePayload(
      serializePayload({ key: "enrolment.notify.promoted", params: { offeringCode: "O7", courseZh: "矛盾调解实务", courseEn: "Mediation in practice" } }),
    );
    expect(notificationText(zh, "zh-CN", message)).toBe("有名额空出，你已由候补转为正式报名：「矛盾调解实务」（O7）");
    expect(notificationText(en, "en", message)).toContain("Mediation in practice (O7)");
  });

  it("formats ISO dates in Shanghai time", () => {
    const text = notificationText(en, "en", { key: "enrolment.errors.notOpenYet", params: { opensAt: "2026-03-01T01:00:00.000Z" } });
    expect(text).toContain("2026");
    expect(text).toContain("9:00");
    expect(text).not.toContain("T01:00");
  });

  it("never shows a raw key or an unfilled parameter", () => {
    expect(notificationText(zh, "zh-CN", parsePayload(JSON.stringify({ key: "future.key", params: {} })))).toBe("您有一条新通知。");
    expect(notificationText(en, "en", null)).toBe("You have a new notification.");
    expect(notificationText(zh, "zh-CN", { key: "enrolment.notify.confirmed", params: {} })).toBe("您有一条新通知。");
  });
});
