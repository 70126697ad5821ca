// Every message key the attendance pages build at run time exists in the dictionaries.
import { describe, expect, it } from "vitest";
import { isMessageKey } from "~/i18n/i18n";
import { ATTENDANCE_ERRORS } from "./errors";
import { ATTENDANCE_STATUSES, ROSTER_ENROLMENT_STATUSES } from "./statuses";

describe("attendance messages", () => {
  it("has a label and a symbol for every status, and a text for every outcome and refusal", () => {
    const keys = [
      ...[...ATTENDANCE_STATUSES, "none"].flatMap((s) => [`attendance.status.${s}`, `attendance.symbol.${s}`]),
      ...["checkedIn", "alreadyCheckedIn", "alreadyMarked"].map((o) => `attendance.my.outcome.${o}`),
      ...Object.values(ATTENDANCE_ERRORS),
      ...ROSTER_ENROLMENT_STATUSES.map((s) => `enrolment.status.${s}`),
    ];
    for (const key of keys) expect(isMessageKey(key), key).toBe(true);
  });
});
