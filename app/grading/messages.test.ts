// Every message key grading builds at run time exists, with the same parameters in both languages.
import { expect, it } from "vitest";
import { gradingZh } from "~/i18n/messages/grading.zh-CN";
import { gradingEn } from "~/i18n/messages/grading.en";
import { GRADING_ERRORS } from "~/grading/errors";
import { RUBRIC_ERRORS } from "~/grading/rubric-format";
import { isMessageKey } from "~/i18n/i18n";
const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
it("grading dictionaries", () => {
  for (const k of Object.keys(gradingZh) as (keyof typeof gradingZh)[]) expect(params(gradingEn[k]), k).toEqual(params(gradingZh[k]));
  const dynamic = [
    ...Object.values(GRADING_ERRORS),
    ...Object.values(RUBRIC_ERRORS),
    ...["mark_saved", "mark_submitted", "moderated", "released", "unreleased"].map((k) => `grading.history.${k}`),
    ...["lead", "mentor", "judge"].map((r) => `grading.role.${r}`),
    ...["none", "draft", "submitted"].map((s) => `grading.mine.${s}`),
  ];
  for (const k of dynamic) expect(isMessageKey(k), k).toBe(true);
});
