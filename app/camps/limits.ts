// Attachment limits, shared by the server and the project form (client-safe).

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_FILES_PER_SUBMISSION = 5;
/** The form field that carries files. */
export const ATTACHMENT_FIELD = "attachment";
/** The most teams a camp may be split into. */
export const MAX_TEAMS = 30;
/** TeamMember.reason written by the automatic split (translated when shown). */
export const AUTO_SPLIT_REASON = "auto-split";
