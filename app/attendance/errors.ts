// Attendance's refusals, as message keys with parameters (client-safe: the pages render them).
// Dates in params are ISO strings: format them before translating.

export const ATTENDANCE_ERRORS = {
  sessionNotFound: "attendance.errors.sessionNotFound",
  offeringCancelled: "attendance.errors.offeringCancelled",
  notOnRoster: "attendance.errors.notOnRoster",
  notOpenYet: "attendance.errors.notOpenYet",
  reasonRequired: "attendance.errors.reasonRequired",
  noPerson: "attendance.errors.noPerson",
  wrongCode: "attendance.errors.wrongCode",
  expiredCode: "attendance.errors.expiredCode",
  checkinClosed: "attendance.errors.checkinClosed",
  notEnrolled: "attendance.errors.notEnrolled",
  throttled: "attendance.errors.throttled",
} as const;

export type AttendanceErrorKey = (typeof ATTENDANCE_ERRORS)[keyof typeof ATTENDANCE_ERRORS];

export type MessageParams = Record<string, string | number>;

/** A refused attendance action; `code` is a message key, `params` its figures. */
export class AttendanceError extends Error {
  readonly code: AttendanceErrorKey;
  readonly params: MessageParams;
  constructor(code: AttendanceErrorKey, params: MessageParams = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = "AttendanceError";
    this.code = code;
    this.params = params;
  }
}

export function isAttendanceError(error: unknown): error is AttendanceError {
  return error instanceof AttendanceError;
}
