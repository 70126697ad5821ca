import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import { requireRole, requireUser } from "~/auth/guards.server";
import { loadCoursePage, loadLearnerView, offeringOfCourse } from "~/catalogue/course-page.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { enrol, withdraw } from "~/enrolment/enrolment.server";
import { ENROLMENT_ERRORS, isEnrolmentError, type MessageParams, type MissingRequirement } from "~/enrolment/errors";
import { formatDateRange, isMessageKey, useT, type Locale, type Params } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";
import { localizeParams } from "~/notifications/payload";
import { fields, msg, parseForm } from "~/utils/forms";
import { forbidden, notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const CourseCodeSchema = z.string().trim().min(1).max(64);

const EnrolmentSchema = z.object({
  intent: z.enum(["enrol", "withdraw"], { error: msg("errors.badRequest") }),
  offeringId: fields.id(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const code = CourseCodeSchema.safeParse(params.courseCode);
  if (!code.success) notFound();
  const course = await loadCoursePage(code.data);
  if (!course) notFound();
  const learner = user.role === "learner" && user.personId ? await loadLearnerView(user.personId, course) : null;
  return json(
    { course, learner, isLearner: user.role === "learner", hasPerson: user.personId !== null },
    { headers: { "Cache-Control": "no-store" } },
  );
}

type ActionData =
  | { offeringId: number; notice: { key: MessageKey; params?: Params } }
  | { offeringId: number | null; error: { key: string; params: MessageParams; missing: MissingRequirement[] } };

/** Enrol in or withdraw from one class; the enrolment module re-checks every rule. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "learner");
  if (!user.personId) forbidden();
  const form = await readFormData(request);
  const parsed = parseForm(form, EnrolmentSchema);
  if (!parsed.ok) {
    const raw = Number(form.get("offeringId"));
    return json<ActionData>(
      { offeringId: Number.isInteger(raw) && raw > 0 ? raw : null, error: { key: "errors.badRequest", params: {}, missing: [] } },
      { status: 400 },
    );
  }
  const { intent, offeringId } = parsed.data;
  const code = CourseCodeSchema.safeParse(params.courseCode);
  if (!code.success || !(await offeringOfCourse(offeringId, code.data))) {
    return json<ActionData>(
      { offeringId, error: { key: ENROLMENT_ERRORS.offeringNotFound, params: {}, missing: [] } },
      { status: 400 },
    );
  }
  const input = { offeringId, personId: user.personId, actorId: user.id };
  try {
    if (intent === "enrol") {
      const result = await enrol(input);
      const notice: { key: MessageKey; params?: Params } = result.alreadyEnrolled
        ? { key: "class.notice.already" }
        : result.state === "waitlisted"
          ? { key: "class.notice.waitlisted", params: { position: result.waitlistPosition ?? 0 } }
          : { key: `class.notice.${result.state}` };
      return json<ActionData>({ offeringId, notice });
    }
    const result = await withdraw(input);
    return json<ActionData>({
      offeringId,
      notice: { key: result.alreadyWithdrawn ? "class.notice.alreadyWithdrawn" : "class.notice.withdrawn" },
    });
  } catch (error) {
    if (isEnrolmentError(error)) {
      return json<ActionData>(
        { offeringId, error: { key: error.code, params: error.params, missing: error.missing } },
        { status: error.code === ENROLMENT_ERRORS.busy ? 503 : 400 },
      );
    }
    throw error;
  }
}

type Named = { nameZh: string; nameEn: string };
type LoaderData = SerializeFrom<typeof loader>;
type ClassView = LoaderData["course"]["classes"][number];
type LearnerData = NonNullable<LoaderData["learner"]>;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ACTIVE_STATES = ["enrolled", "waitlisted", "pending_approval"];
const FINAL_STATES = ["declined", "completed", "not_completed"];

/**
 * Enrolment messages in the reader's language: their parameters carry instants as ISO
 * strings and names as Zh/En pairs (see app/enrolment/errors.ts).
 */
function useEnrolmentText() {
  const { t, locale, dateTime } = useT();
  const localize = (params: MessageParams): Params => {
    const formatted: MessageParams = {};
    for (const [key, value] of Object.entries(params)) {
      formatted[key] = typeof value === "string" && ISO_INSTANT.test(value) ? dateTime(value) : value;
    }
    return localizeParams(formatted, locale);
  };
  return {
    message: (key: string, params: MessageParams = {}) => (isMessageKey(key) ? t(key, localize(params)) : t("errors.invalid")),
    missing: (m: MissingRequirement) => t(m.key, localize(m.params)),
  };
}

/** "3 Mar 2026, 09:00 – 5 Mar 2026, 17:00", shortened by Intl when both ends share a day. */
function formatRange(locale: Locale, from: string, to: string, withTime = true) {
  return formatDateRange(locale, from, to, { dateStyle: "medium", timeStyle: withTime ? "short" : undefined });
}

export default function CoursePageRoute() {
  const { course, learner, isLearner, hasPerson } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, number, points } = useT();
  const text = useEnrolmentText();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const title = locale === "en" ? course.titleEn : course.titleZh;
  const summary = locale === "en" ? course.summaryEn : course.summaryZh;

  return (
    <>
      <p className="back-link">
        <Link to="/catalogue">{t("course.back")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="muted small">{t("course.code", { code: course.code })}</p>
      <dl className="course-facts">
        <div>
          <dt>{t("course.level")}</dt>
          <dd>{name(course.level)}</dd>
        </div>
        <div>
          <dt>{t("course.mode")}</dt>
          <dd>{t(`catalogue.modes.${course.mode}` as MessageKey)}</dd>
        </div>
        <div>
          <dt>{t("course.hours")}</dt>
          <dd>{number(course.durationMinutes / 60, { maximumFractionDigits: 1 })}</dd>
        </div>
        <div>
          <dt>{t("course.credit")}</dt>
          <dd>{points(course.creditPoints)}</dd>
        </div>
      </dl>
      {course.hasAssessment ? (
        <p data-testid="assessed">
          <span className="badge">{t("course.assessment")}</span>{" "}
          <span className="muted small">{t(course.mode === "camp" ? "course.assessmentHint.camp" : "course.assessmentHint.class")}</span>
        </p>
      ) : null}
      {summary ? <p className="course-summary">{summary}</p> : null}

      <section className="card" aria-labelledby="competencies-title">
        <h2 id="competencies-title">{t("course.competencies")}</h2>
        {course.competencies.length === 0 ? (
          <p className="muted">{t("course.competenciesNone")}</p>
        ) : (
          <ul className="weight-list">
            {course.competencies.map((c) => (
              <li key={c.id}>
                <span className="weight-list__name">{name(c)}</span>
                <meter min={0} max={100} value={c.weight} aria-hidden="true" />
                <span className="weight-list__value">{c.weight}%</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" id="prerequisites" aria-labelledby="prerequisites-title">
        <h2 id="prerequisites-title">{t("course.prerequisites")}</h2>
        {!course.levelBelow && course.prerequisiteCourses.length === 0 ? (
          <p className="muted">{t("course.noPrerequisites")}</p>
        ) : (
          <ul className="list">
            {course.levelBelow ? <li>{t("course.prerequisiteLevel", { level: name(course.levelBelow) })}</li> : null}
            {course.prerequisiteCourses.map((p) => {
              const label = locale === "en" ? p.titleEn : p.titleZh;
              return (
                <li key={p.code}>
                  {p.archived ? (
                    <>
                      {label} <span className="muted">{t("course.prerequisiteArchived")}</span>
                    </>
                  ) : (
                    <Link to={`/catalogue/${encodeURIComponent(p.code)}`}>{label}</Link>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {learner && (course.levelBelow || course.prerequisiteCourses.length > 0) ? (
          learner.eligible ? (
            <p className="alert alert--success">{t("course.eligible")}</p>
          ) : (
            <div className="alert alert--warning" data-testid="missing-requirements">
              <p className="alert__title">{t("course.missingTitle")}</p>
              <ul className="class-card__missing">
                {learner.missing.map((m) => (
                  <li key={`${m.key}-${m.key === "enrolment.missing.level" ? m.params.levelId : m.params.courseId}`}>{text.missing(m)}</li>
                ))}
              </ul>
            </div>
          )
        ) : null}
      </section>

      <section aria-labelledby="classes-title">
        <h2 id="classes-title">{t("course.classes")}</h2>
        {isLearner && !hasPerson ? <p className="alert alert--warning">{t("class.noPerson")}</p> : null}
        {course.classes.length === 0 ? (
          <p className="card muted">{t("course.noClasses")}</p>
        ) : (
          <ul className="class-list">
            {course.classes.map((c) => (
              <ClassCard
                key={c.id}
                offering={c}
                learner={learner}
                result={actionData && actionData.offeringId === c.id ? actionData : undefined}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ClassCard({ offering: c, learner, result }: { offering: ClassView; learner: LearnerData | null; result?: ActionData }) {
  const { t, locale, dateTime } = useT();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameZh);
  const hostName = name(c.hostUnit);
  const streetName = name(c.street);
  return (
    <li className="card class-card" aria-labelledby={`class-${c.id}`}>
      <h3 id={`class-${c.id}`} className="class-card__title">
        {formatRange(locale, c.startsAt, c.endsAt)}
      </h3>
      <p className="class-card__badges">
        <span className={c.enrolment === "open" ? "badge badge--ok" : "badge"}>{t(`class.window.${c.enrolment}`)}</span>
        {c.seatsLeft === 0 ? <span className="badge badge--todo">{t("catalogue.full")}</span> : null}
        {c.needsApproval ? <span className="badge badge--todo">{t("class.needsApproval")}</span> : null}
      </p>
      <dl className="class-facts">
        <div>
          <dt>{t("class.seats")}</dt>
          <dd>
            {t("class.seatsOfCapacity", { left: c.seatsLeft, capacity: c.capacity })}
            {c.waiting > 0 ? <span className="muted"> · {t("class.waiting", { count: c.waiting })}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t("class.venue")}</dt>
          <dd>{c.venue || hostName}</dd>
        </div>
        <div>
          <dt>{t("class.street")}</dt>
          <dd>{streetName === hostName ? hostName : `${streetName} · ${hostName}`}</dd>
        </div>
        <div>
          <dt>{t("class.trainer")}</dt>
          <dd>{c.trainerName ?? t("class.trainerTbd")}</dd>
        </div>
        <div>
          <dt>{t("class.enrolWindow")}</dt>
          <dd>{formatRange(locale, c.enrolOpensAt, c.enrolClosesAt)}</dd>
        </div>
        <div>
          <dt>{t("class.withdrawBy")}</dt>
          <dd>{dateTime(c.withdrawDeadline)}</dd>
        </div>
      </dl>
      {c.sessions.length === 0 ? (
        <p className="muted small">{t("class.noSessions")}</p>
      ) : (
        <details className="class-sessions">
          <summary>{t("class.sessions", { count: c.sessions.length })}</summary>
          <ol>
            {c.sessions.map((s) => (
              <li key={s.id}>
                <span>{formatRange(locale, s.startsAt, s.endsAt)}</span>
                {s.title ? <span> · {s.title}</span> : null}
                {s.venue && s.venue !== c.venue ? <span className="muted"> · {s.venue}</span> : null}
              </li>
            ))}
          </ol>
        </details>
      )}
      <p className="muted small">{t("class.code", { code: c.code })}</p>
      {learner ? <LearnerActions offering={c} learner={learner} result={result} /> : null}
    </li>
  );
}

/** The learner's place in one class, and the one thing they can do about it now. */
function LearnerActions({ offering: c, learner, result }: { offering: ClassView; learner: LearnerData; result?: ActionData }) {
  const { t } = useT();
  const text = useEnrolmentText();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("offeringId") === String(c.id);
  const state = learner.states[c.id];
  const status = state?.status;

  let act: ReactNode = null;
  if (status && ACTIVE_STATES.includes(status)) {
    act = c.withdrawOpen ? (
      <EnrolmentForm offeringId={c.id} intent="withdraw" busy={busy} label={t(`class.withdraw.${status}` as MessageKey)} />
    ) : (
      <p className="muted small">{t("class.withdrawClosed")}</p>
    );
  } else if (!status || !FINAL_STATES.includes(status)) {
    if (c.enrolment !== "open") act = null;
    else if (!learner.eligible) act = <p className="muted small">{t("class.notEligible")}</p>;
    else {
      const label = c.needsApproval ? t("class.enrolApproval") : c.seatsLeft === 0 ? t("class.enrolWaitlist") : t("class.enrol");
      act = <EnrolmentForm offeringId={c.id} intent="enrol" busy={busy} label={label} primary />;
    }
  }

  return (
    <div className="class-card__state" data-testid={`learner-${c.id}`}>
      {status ? (
        <p className={status === "enrolled" || status === "completed" ? "badge badge--ok" : "badge badge--todo"}>
          {t(`class.state.${status}` as MessageKey, { position: state.waitlistPosition ?? 0 })}
        </p>
      ) : null}
      {result && "notice" in result ? (
        <p className="alert alert--success" role="status">
          {t(result.notice.key, result.notice.params)}
        </p>
      ) : null}
      {result && "error" in result ? (
        <div className="alert alert--error" role="alert">
          <p className="alert__title">{text.message(result.error.key, result.error.params)}</p>
          {result.error.missing.length > 0 ? (
            <ul className="class-card__missing">
              {result.error.missing.map((m, i) => (
                <li key={i}>{text.missing(m)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {act}
    </div>
  );
}

function EnrolmentForm({
  offeringId,
  intent,
  label,
  busy,
  primary = false,
}: {
  offeringId: number;
  intent: "enrol" | "withdraw";
  label: string;
  busy: boolean;
  primary?: boolean;
}) {
  return (
    <Form method="post" preventScrollReset className="class-card__form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="offeringId" value={offeringId} />
      <button type="submit" className={primary ? "button button--primary" : "button"} disabled={busy}>
        {label}
      </button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
