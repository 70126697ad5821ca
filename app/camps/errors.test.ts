import { describe, expect, it } from "vitest";
import { isMessageKey } from "~/i18n/i18n";
import { CAMP_ERRORS } from "./errors";

describe("camp refusals", () => {
  it("are all in the dictionaries, as are the camp statuses and staff roles the pages build", () => {
    const built = [
      ...Object.values(CAMP_ERRORS),
      ...["open", "grading", "released", "closed"].map((s) => `camps.status.${s}`),
      ...["lead", "mentor", "judge"].map((r) => `camps.staffRole.${r}`),
    ];
    for (const key of built) expect(isMessageKey(key), key).toBe(true);
  });
});
