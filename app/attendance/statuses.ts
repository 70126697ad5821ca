// Attendance values shared by the server and the pages (client-safe).

/** Attendance.status values, in the order the trainer's form offers them. */
export const ATTENDANCE_STATUSES = ["present", "late", "absent", "excused"] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Attendance.method values. A trainer's mark overrides a self check-in, never the reverse. */
export const ATTENDANCE_METHODS = ["trainer", "self_checkin", "import"] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];

export function isAttendanceStatus(value: unknown): value is AttendanceStatus {
  return typeof value === "string" && (ATTENDANCE_STATUSES as readonly string[]).includes(value);
}

/** Enrolment statuses whose learners are on a class's roster (and may be marked). */
export const ROSTER_ENROLMENT_STATUSES = ["enrolled", "completed", "not_completed"] as const;

/** Enrolment statuses that allow a learner to check themselves in. */
export const CHECKIN_ENROLMENT_STATUSES = ["enrolled", "completed"] as const;

/** The form field that carries one learner's mark on the trainer's session form. */
export function markFieldName(personId: number) {
  return `mark.${personId}`;
}

/** "ABC DEF": a check-in code split in two for reading aloud and typing. */
export function formatCheckinCode(code: string) {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}
