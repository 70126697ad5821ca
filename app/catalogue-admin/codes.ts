// The shapes of the codes administrators type for levels and competencies. Client-safe, so
// route schemas can use them. Codes are stable keys (imports, the API, audit snapshots): the
// names around them are what people read.

/** Level codes: new, core, model, leading. */
export const LEVEL_CODE_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;

/** Competency codes: political, residents, digital. */
export const COMPETENCY_CODE_PATTERN = /^[a-z][a-z0-9_-]{1,31}$/;
