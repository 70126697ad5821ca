// The forms of HR's class pages, as zod schemas whose messages are dictionary keys
// (app/utils/forms.ts). Dates and times arrive as Shanghai wall-clock values and leave as
// instants (shanghai-time.ts). The rules between fields are checked here too, so every
// mistake in one submission is reported at once; rules that need the database (scope,
// seats taken, the class's own dates for a session) are the domain's (classes.server.ts).
// Client-safe.
import { z } from "zod";
import { fields, msg } from "~/utils/forms";
import { parseShanghaiDateTime, parseShanghaiLocal } from "./shanghai-time";

export const CLASS_STATUSES = ["draft", "published", "cancelled", "closed"] as const;
export type ClassStatus = (typeof CLASS_STATUSES)[number];
/** What HR may set; "closed" is reached only by completing the class. */
export const EDITABLE_STATUSES = ["draft", "published", "cancelled"] as const;
export type EditableStatus = (typeof EDITABLE_STATUSES)[number];

export const CAPACITY_MIN = 1;
export const CAPACITY_MAX = 500;
export const CREDIT_YEAR_MIN = 2000;
export const CREDIT_YEAR_MAX = 2100;

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A datetime-local value read as Shanghai time. */
const shanghaiInstant = () =>
  z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .transform((value, ctx) => {
      const instant = parseShanghaiLocal(value);
      if (!instant) {
        ctx.addIssue({ code: "custom", message: msg("classes.errors.dateTime") });
        return z.NEVER;
      }
      return instant;
    });

const checkbox = () => z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean());

export const ClassFields = {
  code: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(40, msg("errors.tooLong", { max: 40 }))
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, msg("classes.errors.code"))
      .optional(),
  ),
  courseId: fields.id(),
  hostUnitId: fields.id(),
  trainerId: z.preprocess(emptyToUndefined, fields.id().optional()),
  venue: z.preprocess((v) => (v === undefined ? "" : v), z.string().trim().max(200, msg("errors.tooLong", { max: 200 }))),
  capacity: z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(CAPACITY_MIN, msg("classes.errors.capacityRange", { min: CAPACITY_MIN, max: CAPACITY_MAX }))
    .max(CAPACITY_MAX, msg("classes.errors.capacityRange", { min: CAPACITY_MIN, max: CAPACITY_MAX })),
  enrolOpensAt: shanghaiInstant(),
  enrolClosesAt: shanghaiInstant(),
  withdrawDeadline: shanghaiInstant(),
  startsAt: shanghaiInstant(),
  endsAt: shanghaiInstant(),
  needsApproval: checkbox(),
  status: fields.choice(EDITABLE_STATUSES),
  creditYear: z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(CREDIT_YEAR_MIN, msg("classes.errors.creditYear", { min: CREDIT_YEAR_MIN, max: CREDIT_YEAR_MAX }))
    .max(CREDIT_YEAR_MAX, msg("classes.errors.creditYear", { min: CREDIT_YEAR_MIN, max: CREDIT_YEAR_MAX })),
  reason: fields.optionalText(500),
};

type DatedClass = { enrolOpensAt?: unknown; enrolClosesAt?: unknown; withdrawDeadline?: unknown; startsAt?: unknown; endsAt?: unknown };

/**
 * window opens < closes ≤ start; withdrawal deadline ≤ start; start < end. Each rule is
 * reported on the later field, and only when both of its dates parsed.
 */
export function checkClassDates<T extends DatedClass>(value: T, ctx: z.RefinementCtx<T>) {
  const d = (v: unknown) => (v instanceof Date ? v.getTime() : null);
  const [opens, closes, deadline, starts, ends] = [value.enrolOpensAt, value.enrolClosesAt, value.withdrawDeadline, value.startsAt, value.endsAt].map(d);
  const issue = (path: string, key: Parameters<typeof msg>[0]) => ctx.addIssue({ code: "custom", path: [path], message: msg(key) });
  if (opens !== null && closes !== null && !(opens < closes)) issue("enrolClosesAt", "classes.errors.closesBeforeOpens");
  else if (closes !== null && starts !== null && !(closes <= starts)) issue("enrolClosesAt", "classes.errors.closesAfterStart");
  if (deadline !== null && starts !== null && !(deadline <= starts)) issue("withdrawDeadline", "classes.errors.deadlineAfterStart");
  if (starts !== null && ends !== null && !(starts < ends)) issue("endsAt", "classes.errors.endsBeforeStart");
}

/** Run the date rules even when another field failed, so one submission shows every mistake. */
const always = { when: () => true };

export const ClassFormSchema = z.object(ClassFields).superRefine(checkClassDates, always);
export type ClassFormValues = z.infer<typeof ClassFormSchema>;

const sessionShape = {
  date: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .refine((v) => parseShanghaiDateTime(v, "00:00") !== null, msg("classes.errors.date")),
  startTime: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .refine((v) => parseShanghaiDateTime("2000-01-01", v) !== null, msg("classes.errors.time")),
  endTime: z
    .string({ error: msg("errors.required") })
    .trim()
    .min(1, msg("errors.required"))
    .refine((v) => parseShanghaiDateTime("2000-01-01", v) !== null, msg("classes.errors.time")),
  title: fields.optionalText(200),
  venue: fields.optionalText(200),
};

type SessionRaw = { date?: unknown; startTime?: unknown; endTime?: unknown };

/** A session starts and ends on its date, end after start. */
export function checkSessionTimes<T extends SessionRaw>(value: T, ctx: z.RefinementCtx<T>) {
  if (typeof value.date !== "string" || typeof value.startTime !== "string" || typeof value.endTime !== "string") return;
  const start = parseShanghaiDateTime(value.date, value.startTime);
  const end = parseShanghaiDateTime(value.date, value.endTime);
  if (start && end && !(start < end)) ctx.addIssue({ code: "custom", path: ["endTime"], message: msg("classes.errors.sessionEndBeforeStart") });
}

export const SessionFormSchema = z.object(sessionShape).superRefine(checkSessionTimes, always);
export type SessionFormValues = z.infer<typeof SessionFormSchema>;

/** The session form's values as instants. */
export function sessionInstants(values: Pick<SessionFormValues, "date" | "startTime" | "endTime">) {
  return { startsAt: parseShanghaiDateTime(values.date, values.startTime)!, endsAt: parseShanghaiDateTime(values.date, values.endTime)! };
}

export { sessionShape };
