import { describe, expect, it } from "vitest";
import { translator } from "~/i18n/i18n";
import { localizeParams, parsePayload, serializePayload } from "./payload";

describe("notification payloads", () => {
  it("round-trip and render in the reader's language", () => {
    const stored = serializePayload({
      key: "enrolment.notify.waitlisted",
      params: { offeringCode: "O7", courseZh: "矛盾调解实务", courseEn: "Mediation in practice", position: 3 },
    });
    const payload = parsePayload(stored)!;
    expect(translator("zh-CN")(payload.key, localizeParams(payload.params, "zh-CN"))).toBe("「矛盾调解实务」（O7）名额已满，你在候补第 3 位");
    expect(translator("en")(payload.key, localizeParams(payload.params, "en"))).toBe(
      "Mediation in practice (O7) is full: you are number 3 on the waiting list",
    );
  });

  it("falls back to the other language when a name is missing in one", () => {
    expect(localizeParams({ courseZh: "课程", courseEn: "" }, "en").course).toBe("课程");
    expect(localizeParams({ levelZh: "骨干", levelEn: "Core" }, "zh-CN").level).toBe("骨干");
  });

  it("refuses payloads it cannot render", () => {
    expect(parsePayload("not json")).toBeNull();
    expect(parsePayload(JSON.stringify({ key: "no.such.key", params: {} }))).toBeNull();
    expect(parsePayload(JSON.stringify({ key: "enrolment.notify.promoted", params: { x: { nested: true }, y: 1 } }))).toEqual({
      key: "enrolment.notify.promoted",
      params: { y: 1 },
    });
  });
});
