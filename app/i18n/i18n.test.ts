import { describe, expect, it } from "vitest";
import { ROLES } from "~/auth/roles";
import { en } from "~/i18n/en";
import { formatDateRange, formatPoints, isMessageKey, translator } from "~/i18n/i18n";
import { zhCN } from "~/i18n/zh-CN";

const params = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe("dictionaries", () => {
  it("have the same keys, no empty strings, and the same parameters in both languages", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(zhCN[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(params(en[key]), key).toEqual(params(zhCN[key]));
    }
  });

  it("have every key the code builds at run time", () => {
    const dynamic = [
      ...ROLES.map((r) => `roles.${r}`),
      ...["head", "supervisor", "staff"].map((p) => `postTypes.${p}`),
      ...[400, 401, 403, 404, 500].flatMap((s) => [`errorPage.${s}.title`, `errorPage.${s}.body`]),
      ...["lead", "mentor", "judge"].map((r) => `home.trainer.campRole.${r}`),
    ];
    for (const key of dynamic) expect(isMessageKey(key), key).toBe(true);
  });
});

describe("translation and formatting", () => {
  it("fills parameters and formats for the locale", () => {
    expect(translator("zh-CN")("login.throttled", { minutes: 3 })).toBe("尝试次数过多，请 3 分钟后再试。");
    expect(translator("en")("login.throttled", { minutes: 3 })).toBe("Too many attempts. Please try again in 3 minutes.");
    expect(formatPoints("en", 5650)).toBe("56.5");
    expect(formatPoints("zh-CN", 123456)).toBe("1,234.56");
  });

  it("writes dates with plain spaces, as the browser will, so hydration matches", () => {
    const text = formatDateRange("en", "2026-03-10T01:00:00Z", "2026-03-10T04:00:00Z");
    expect(text).toBe("Mar 10, 2026, 9:00 AM – 12:00 PM");
    expect(text).not.toMatch(/[\u00a0\u2009\u202f]/);
  });
});
