import { describe, expect, it } from "vitest";
import { z } from "zod";
import { translator } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError } from "~/utils/forms";

const Schema = z.object({ name: fields.text(5), count: fields.id() });

function form(entries: [string, string][]) {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
}

describe("parseForm", () => {
  it("returns typed data and ignores unknown and repeated fields", () => {
    const result = parseForm(form([["name", " 王 "], ["count", "3"], ["count", "999"], ["role", "admin"]]), Schema);
    expect(result).toEqual({ ok: true, data: { name: "王", count: 3 } });
  });

  it("returns one translated error per field", () => {
    const result = parseForm(form([["name", "toolong"], ["count", "-1"]]), Schema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const zh = translator("zh-CN");
    const en = translator("en");
    expect(translateError(zh, result.fieldErrors.name)).toBe("最多 5 个字符");
    expect(translateError(en, result.fieldErrors.name)).toBe("At most 5 characters");
    expect(translateError(en, result.fieldErrors.count)).toBe("Enter a valid number");
  });

  it("treats missing fields as required", () => {
    const result = parseForm(form([]), Schema);
    expect(result.ok || translateError(translator("en"), result.fieldErrors.name)).toBe("This field is required");
  });

  it("never shows a raw message", () => {
    expect(translateError(translator("en"), "something internal")).toBe("Not in the expected format");
    expect(translateError(translator("en"), msg("errors.tooShort", { min: 10 }))).toBe("At least 10 characters");
  });
});
