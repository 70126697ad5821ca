import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/guards.server";
import { campSetupRefusal, changeCampLead, loadCampPanel, setUpCamp } from "~/camps/camp-setup.server";
import { fieldErrorGetter, type ClassActionData } from "~/classes/action-data";
import { refusal } from "~/classes/action-errors.server";
import { Alerts } from "~/classes/alerts";
import { ClassForm } from "~/classes/class-form";
import { classFormChoices, classInScope, loadClass, updateClass } from "~/classes/classes.server";
import { dateTimeRange, dateTimeText, dayRange } from "~/classes/format";
import { checkClassDates, checkSessionTimes, ClassFields, sessionInstants, sessionShape } from "~/classes/forms";
import { enrolByEmployeeNo, moveToClass, withdrawFromClass } from "~/classes/roster.server";
import { addSession, removeSession, updateSession } from "~/classes/sessions.server";
import { toShanghaiDate, toShanghaiTime } from "~/classes/shanghai-time";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { completeOffering } from "~/enrolment/completion.server";
import { useT, type MessageKey } from "~/i18n/i18n";
import { getTranslator } from "~/i18n/i18n.server";
import { fields, msg, parseForm } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const always = { when: () => true };
const reason = fields.text(500);

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("save"), ...ClassFields }).superRefine(checkClassDates, always),
    z.object({ intent: z.literal("add-session"), ...sessionShape }).superRefine(checkSessionTimes, always),
    z.object({ intent: z.literal("edit-session"), sessionId: fields.id(), ...sessionShape }).superRefine(checkSessionTimes, always),
    z.object({ intent: z.literal("remove-session"), sessionId: fields.id(), reason: fields.optionalText(500) }),
    z.object({ intent: z.literal("enrol"), employeeNo: fields.text(32), reason }),
    z.object({ intent: z.literal("move"), enrolmentId: fields.id(), toOfferingId: fields.id(), reason }),
    z.object({ intent: z.literal("withdraw"), enrolmentId: fields.id(), reason }),
    z.object({ intent: z.literal("complete") }),
    z.object({ intent: z.literal("camp-setup"), leadUserId: fields.id(), reason: fields.optionalText(500) }),
    z.object({ intent: z.literal("camp-lead"), leadUserId: fields.id(), reason }),
  ],
  { error: msg("errors.badRequest") },
);

/** The session, enrolment or (for the session forms) session a repeated form was about. */
function targetOf(form: FormData): number | undefined {
  const raw = Number(form.get("sessionId") ?? form.get("enrolmentId"));
  return Number.isInteger(raw) && raw > 0 ? raw : undefined;
}

/** Forms that appear once on the page (no session or enrolment they are about). */
const ONE_FORM_INTENTS = ["save", "add-session", "enrol", "camp-setup", "camp-lead"];

function offeringIdOf(params: { offeringId?: string }): number {
  const id = fields.id().safeParse(params.offeringId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const data = await loadClass(user, offeringIdOf(params));
  // Outside the officer's scope reads as not found: nothing about the class is revealed.
  if (!data) notFound();
  const { offering } = data;
  const [choices, camp] = await Promise.all([classFormChoices(user, offering), loadCampPanel(user, offering.id)]);
  const created = new URL(request.url).searchParams.get("created") === "1";
  return json({ ...data, choices, camp, created }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "hr", "admin");
  const offeringId = offeringIdOf(params);
  if (!(await classInScope(user, offeringId))) notFound();
  const { locale, t } = await getTranslator(request, user.locale);
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const target = ONE_FORM_INTENTS.includes(intent) ? undefined : targetOf(form);
  const base = { intent, target };
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ClassActionData>(
      { ...base, fieldErrors: parsed.fieldErrors, formError: t(parsed.formError ? "errors.badRequest" : "errors.form") },
      { status: 400 },
    );
  }
  const input = parsed.data;
  const done = (notice: string) => json<ClassActionData>({ ...base, notice });
  try {
    switch (input.intent) {
      case "save": {
        const result = await updateClass(user, offeringId, input);
        if (!result.changed) return done(t("classes.unchanged"));
        if (result.notified > 0 || input.status === "cancelled") return done(t("classes.cancelledNotice", { count: result.notified }));
        if (result.promoted.length > 0) return done(t("classes.savedPromoted", { count: result.promoted.length }));
        return done(t("classes.saved"));
      }
      case "add-session": {
        await addSession(user, offeringId, { ...sessionInstants(input), title: input.title, venue: input.venue });
        return done(t("classes.sessions.added"));
      }
      case "edit-session": {
        const result = await updateSession(user, offeringId, input.sessionId, { ...sessionInstants(input), title: input.title, venue: input.venue });
        return done(t(result.changed ? "classes.sessions.updated" : "classes.unchanged"));
      }
      case "remove-session": {
        await removeSession(user, offeringId, input.sessionId, input.reason);
        return done(t("classes.sessions.removed"));
      }
      case "enrol": {
        const result = await enrolByEmployeeNo(user, offeringId, input);
        return done(t(result.alreadyEnrolled ? "classes.roster.alreadyEnrolled" : "classes.roster.enrolledNotice", { name: result.name }));
      }
      case "withdraw": {
        const result = await withdrawFromClass(user, offeringId, input);
        if (result.alreadyWithdrawn) return done(t("classes.roster.alreadyWithdrawn", { name: result.name }));
        return done(
          result.promoted.length > 0
            ? t("classes.roster.withdrawnPromoted", { name: result.name, count: result.promoted.length })
            : t("classes.roster.withdrawnNotice", { name: result.name }),
        );
      }
      case "move": {
        const result = await moveToClass(user, offeringId, input);
        return done(t("classes.roster.moved", { name: result.name, code: result.toCode }));
      }
      case "complete": {
        const result = await completeOffering({ offeringId, actorId: user.id });
        return done(t("classes.complete.done", { completed: result.completed, notCompleted: result.notCompleted }));
      }
      case "camp-setup": {
        const result = await setUpCamp(user, offeringId, input);
        return done(t("campSetup.setup.done", { name: result.leadName }));
      }
      case "camp-lead": {
        const result = await changeCampLead(user, offeringId, input);
        return done(
          result.formerNames.length > 0
            ? t("campSetup.change.done", { name: result.leadName, former: result.formerNames.join("、") })
            : t("campSetup.change.doneFirst", { name: result.leadName }),
        );
      }
    }
  } catch (error) {
    return campSetupRefusal(error, locale, base) ?? refusal(error, locale, base);
  }
}

type Data = SerializeFrom<typeof loader>;
type RosterRow = Data["roster"]["enrolled"][number];

const SESSION_INTENTS = ["add-session", "edit-session", "remove-session"];
const ROSTER_INTENTS = ["enrol", "move", "withdraw"];

export default function HrClass() {
  const { offering, roster, moveTargets, canComplete, choices, camp, created } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ClassActionData | undefined;
  const { t, locale } = useT();
  const name = (n: { nameZh: string; nameEn: string }) => (locale === "en" ? n.nameEn : n.nameZh);
  const title = locale === "en" ? offering.course.titleEn : offering.course.titleZh;
  const editable = offering.status === "draft" || offering.status === "published";
  const running = offering.status !== "closed";
  const intent = actionData?.intent;
  const inGroup = (intents: string[]) => Boolean(intent && intents.includes(intent));
  const saveErrors = fieldErrorGetter(t, actionData, "save");
  const saveFailed = intent === "save" && Boolean(actionData?.fieldErrors || actionData?.fieldText);
  const rosterContext: RosterContext = { actionData, moveTargets, running };

  return (
    <>
      <p className="back-link">
        <Link to="/hr/classes">{t("classes.back")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="class-head__meta">
        <code>{offering.code}</code>
        <span className={`badge badge--status-${offering.status}`}>{t(`classes.status.${offering.status}` as MessageKey)}</span>
        {offering.needsApproval ? <span className="badge">{t("classes.needsApproval")}</span> : null}
      </p>
      <p className="muted">
        {dayRange(locale, offering.startsAt, offering.endsAt)} · {name(offering.hostUnit)}
      </p>
      {created ? (
        <p className="alert alert--success" role="status">
          {t("classes.created", { code: offering.code })}
        </p>
      ) : null}
      {offering.status === "cancelled" ? <p className="alert alert--warning">{t("classes.cancelledState")}</p> : null}
      {offering.status === "closed" ? <p className="alert alert--warning">{t("classes.closedState")}</p> : null}

      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">{t("classes.section.details")}</h2>
        <Alerts data={actionData} notice={intent === "save"} error={intent === "save"} />
        <dl className="class-facts hr-class-facts">
          <div>
            <dt>{t("classes.field.hostUnit")}</dt>
            <dd>{name(offering.hostUnit)}</dd>
          </div>
          <div>
            <dt>{t("classes.field.venue")}</dt>
            <dd>{offering.venue || t("common.none")}</dd>
          </div>
          <div>
            <dt>{t("classes.field.trainer")}</dt>
            <dd>{offering.trainer?.displayName ?? t("classes.noTrainer")}</dd>
          </div>
          <div>
            <dt>{t("classes.fact.dates")}</dt>
            <dd>{dateTimeRange(locale, offering.startsAt, offering.endsAt)}</dd>
          </div>
          <div>
            <dt>{t("classes.fact.window")}</dt>
            <dd>{dateTimeRange(locale, offering.enrolOpensAt, offering.enrolClosesAt)}</dd>
          </div>
          <div>
            <dt>{t("classes.field.withdrawDeadline")}</dt>
            <dd>{dateTimeText(locale, offering.withdrawDeadline)}</dd>
          </div>
          <div>
            <dt>{t("classes.fact.seats")}</dt>
            <dd>
              {t("classes.seats", { taken: offering.seatsTaken, capacity: offering.capacity })}
              {roster.waiting.length ? ` · ${t("classes.waiting", { count: roster.waiting.length })}` : ""}
              {roster.pending.length ? ` · ${t("classes.pending", { count: roster.pending.length })}` : ""}
            </dd>
          </div>
          <div>
            <dt>{t("classes.field.creditYear")}</dt>
            <dd>{offering.creditYear}</dd>
          </div>
        </dl>
        {editable ? (
          <details className="class-edit" open={saveFailed}>
            <summary>{t("classes.edit")}</summary>
            <ClassForm
              intent="save"
              defaults={{ ...offering, code: offering.code }}
              choices={choices}
              errorFor={saveErrors}
              submitLabel={t("classes.save")}
            />
          </details>
        ) : null}
      </section>

      {camp ? <CampPanel panel={camp} actionData={actionData} /> : null}

      <section className="card" aria-labelledby="sessions-title">
        <h2 id="sessions-title">
          {t("classes.section.sessions")} <span className="muted small">{t("common.total", { count: offering.sessions.length })}</span>
        </h2>
        <Alerts data={actionData} notice={inGroup(SESSION_INTENTS)} error={inGroup(SESSION_INTENTS) && actionData?.target === undefined} />
        {offering.sessions.length === 0 ? <p className="muted">{t("classes.sessions.none")}</p> : null}
        <ol className="hr-sessions">
          {offering.sessions.map((s, i) => {
            const mine = actionData?.target === s.id && SESSION_INTENTS.includes(intent ?? "");
            return (
              <li key={s.id} className="hr-session">
                <p className="hr-session__title">
                  <strong>{s.title || t("classes.sessions.number", { n: i + 1 })}</strong>
                  {s.attendance > 0 ? <span className="badge">{t("classes.sessions.attendance", { count: s.attendance })}</span> : null}
                </p>
                <p className="muted small">
                  {dateTimeRange(locale, s.startsAt, s.endsAt)} · {s.venue || offering.venue || t("classes.sessions.noVenue")}
                </p>
                <Alerts data={actionData} notice={false} error={mine} />
                {editable ? (
                  <details className="hr-session__edit" open={mine && Boolean(actionData?.fieldErrors || actionData?.fieldText)}>
                    <summary>{t("classes.sessions.edit")}</summary>
                    <SessionForm
                      intent="edit-session"
                      sessionId={s.id}
                      defaults={{ date: toShanghaiDate(s.startsAt), startTime: toShanghaiTime(s.startsAt), endTime: toShanghaiTime(s.endsAt), title: s.title, venue: s.venue }}
                      errorFor={fieldErrorGetter(t, actionData, "edit-session", s.id)}
                      submitLabel={t("classes.sessions.save")}
                    />
                    {s.attendance > 0 ? (
                      <p className="muted small">{t("classes.sessions.locked")}</p>
                    ) : (
                      <Form method="post" preventScrollReset className="hr-session__remove">
                        <input type="hidden" name="intent" value="remove-session" />
                        <input type="hidden" name="sessionId" value={s.id} />
                        <button type="submit" className="button button--danger">
                          {t("classes.sessions.remove")}
                        </button>
                      </Form>
                    )}
                  </details>
                ) : null}
              </li>
            );
          })}
        </ol>
        {editable ? (
          <details className="hr-session-add" open={intent === "add-session" && Boolean(actionData?.fieldErrors || actionData?.fieldText)}>
            <summary>{t("classes.sessions.add")}</summary>
            <SessionForm
              key={intent === "add-session" ? actionData?.notice : undefined}
              intent="add-session"
              defaults={{ date: toShanghaiDate(offering.startsAt), startTime: "09:00", endTime: "12:00", title: "", venue: "" }}
              errorFor={fieldErrorGetter(t, actionData, "add-session")}
              submitLabel={t("classes.sessions.add")}
            />
          </details>
        ) : null}
      </section>

      <section className="card" aria-labelledby="roster-title">
        <h2 id="roster-title">{t("classes.section.roster")}</h2>
        <Alerts data={actionData} notice={inGroup(ROSTER_INTENTS)} error={inGroup(ROSTER_INTENTS) && actionData?.target === undefined} />
        {[...roster.enrolled, ...roster.waiting, ...roster.pending].some((r) => !r.inScope) ? (
          <p className="muted small">{t("classes.roster.outOfScopeNote")}</p>
        ) : null}
        {offering.status === "published" ? (
          <details className="roster-enrol" open={intent === "enrol" && Boolean(actionData?.fieldErrors || actionData?.fieldText)}>
            <summary>{t("classes.roster.enrol")}</summary>
            <Form method="post" preventScrollReset className="stack" noValidate key={intent === "enrol" ? actionData?.notice : undefined}>
              <input type="hidden" name="intent" value="enrol" />
              <TextField name="employeeNo" label={t("classes.roster.employeeNo")} required autoCapitalize="characters" maxLength={32}
                error={fieldErrorGetter(t, actionData, "enrol")("employeeNo")} />
              <TextField name="reason" label={t("classes.roster.reason")} hint={t("classes.roster.reasonHint")} required maxLength={500}
                error={fieldErrorGetter(t, actionData, "enrol")("reason")} />
              <button type="submit" className="button button--primary">
                {t("classes.roster.enrolSubmit")}
              </button>
            </Form>
          </details>
        ) : null}
        <RosterGroup title={t("classes.roster.enrolled", { count: roster.enrolled.length })} rows={roster.enrolled} context={rosterContext} />
        <RosterGroup title={t("classes.roster.waiting", { count: roster.waiting.length })} rows={roster.waiting} context={rosterContext} ordered />
        <RosterGroup title={t("classes.roster.pending", { count: roster.pending.length })} rows={roster.pending} context={rosterContext} />
        <RosterGroup
          title={t("classes.roster.withdrawn", { count: roster.withdrawn.length })}
          rows={roster.withdrawn}
          context={rosterContext}
          collapsed
        />
      </section>

      <section className="card" aria-labelledby="complete-title">
        <h2 id="complete-title">{t("classes.section.complete")}</h2>
        <Alerts data={actionData} notice={intent === "complete"} error={intent === "complete"} />
        {offering.status === "closed" ? (
          <p>{t("classes.complete.closed")}</p>
        ) : canComplete ? (
          <Form method="post" preventScrollReset className="stack">
            <p className="muted">{t("classes.complete.intro")}</p>
            <input type="hidden" name="intent" value="complete" />
            <button type="submit" className="button button--primary">
              {t("classes.complete.submit")}
            </button>
          </Form>
        ) : offering.status === "cancelled" ? (
          <p className="muted">{t("classes.complete.cancelled")}</p>
        ) : offering.status === "draft" ? (
          <p className="muted">{t("classes.complete.draft")}</p>
        ) : (
          <p className="muted">{t("classes.complete.notYet", { endsAt: dateTimeText(locale, offering.endsAt) })}</p>
        )}
      </section>
    </>
  );
}


const CAMP_INTENTS = ["camp-setup", "camp-lead"];

/**
 * The camp of a camp-course class: its lead mentor and figures, changing the lead (with a
 * reason), or setting the camp up when the class has none (app/camps/camp-setup.server.ts).
 */
function CampPanel({ panel, actionData }: { panel: NonNullable<Data["camp"]>; actionData: ClassActionData | undefined }) {
  const { t } = useT();
  const intent = actionData?.intent;
  const failed = (form: string) => intent === form && Boolean(actionData?.fieldErrors || actionData?.fieldText || actionData?.formError);
  const camp = panel.camp;
  const { defaults } = panel;
  return (
    <section className="card" aria-labelledby="camp-title" data-testid="camp-panel">
      <h2 id="camp-title">{t("campSetup.title")}</h2>
      <Alerts data={actionData} notice={Boolean(intent && CAMP_INTENTS.includes(intent))} error={Boolean(intent && CAMP_INTENTS.includes(intent))} />
      {camp ? (
        <>
          <dl className="class-facts hr-class-facts">
            <div>
              <dt>{t("campSetup.lead")}</dt>
              <dd data-testid="camp-lead">
                {camp.lead ? camp.lead.displayName : t("campSetup.noLead")}
                {camp.lead?.disabled ? ` ${t("campSetup.leadDisabled")}` : ""}
              </dd>
            </div>
            <div>
              <dt>{t("campSetup.nights")}</dt>
              <dd>{t("campSetup.nightsValue", panel.length)}</dd>
            </div>
            <div>
              <dt>{t("campSetup.status")}</dt>
              <dd>{t(`camps.status.${camp.status}` as MessageKey)}</dd>
            </div>
            <div>
              <dt>{t("campSetup.teams")}</dt>
              <dd>{t("campSetup.teamsValue", { count: camp.teams })}</dd>
            </div>
            <div>
              <dt>{t("campSetup.staff")}</dt>
              <dd>{t("campSetup.staffValue", { mentors: camp.mentors, judges: camp.judges })}</dd>
            </div>
            <div>
              <dt>{t("campSetup.staffPage")}</dt>
              <dd>
                {/* Only the camp's staff may open it; others see where it is, to pass it on. */}
                {camp.viewerIsStaff ? <Link to={`/trainer/camps/${camp.id}`}>{t("campSetup.open")}</Link> : <code>/trainer/camps/{camp.id}</code>}
              </dd>
            </div>
          </dl>
          {camp.lead && panel.classTrainerId !== null && camp.lead.id !== panel.classTrainerId ? (
            <p className="muted small">{t("campSetup.leadDiffers")}</p>
          ) : null}
          <details className="class-edit" open={failed("camp-lead")}>
            <summary>{t("campSetup.change.title")}</summary>
            <LeadForm
              intent="camp-lead"
              trainers={panel.trainers.filter((tr) => tr.id !== camp.lead?.id)}
              defaultLead=""
              reasonLabel={t("campSetup.change.reason")}
              reasonRequired
              hint={t("campSetup.change.hint")}
              submitLabel={t("campSetup.change.submit")}
              actionData={actionData}
            />
          </details>
        </>
      ) : (
        <>
          <p className="alert alert--warning">{t("campSetup.setup.missing")}</p>
          {panel.canSetUp ? (
            <LeadForm
              intent="camp-setup"
              trainers={panel.trainers}
              defaultLead={panel.classTrainerId ?? ""}
              reasonLabel={t("campSetup.setup.reason")}
              reasonRequired={false}
              hint={t("campSetup.setup.defaults", {
                nights: panel.length.nights,
                passMark: defaults.passMark / 100,
                markers: defaults.markersPerProject,
                threshold: defaults.moderationThresholdPct,
              })}
              submitLabel={t("campSetup.setup.submit")}
              actionData={actionData}
            />
          ) : null}
        </>
      )}
    </section>
  );
}

function LeadForm({
  intent,
  trainers,
  defaultLead,
  reasonLabel,
  reasonRequired,
  hint,
  submitLabel,
  actionData,
}: {
  intent: string;
  trainers: { id: number; displayName: string; username: string }[];
  defaultLead: number | "";
  reasonLabel: string;
  reasonRequired: boolean;
  hint: string;
  submitLabel: string;
  actionData: ClassActionData | undefined;
}) {
  const { t } = useT();
  const errorFor = fieldErrorGetter(t, actionData, intent);
  if (trainers.length === 0) return <p className="muted small">{t("campSetup.noTrainers")}</p>;
  return (
    <Form method="post" preventScrollReset className="stack" noValidate key={intent === actionData?.intent ? actionData?.notice : undefined}>
      <input type="hidden" name="intent" value={intent} />
      <p className="muted small">{hint}</p>
      <SelectField name="leadUserId" label={intent === "camp-lead" ? t("campSetup.change.newLead") : t("campSetup.setup.lead")} required
        defaultValue={defaultLead} error={errorFor("leadUserId")}>
        <option value="">{t("classes.field.choose")}</option>
        {trainers.map((tr) => (
          <option key={tr.id} value={tr.id}>
            {tr.displayName} ({tr.username})
          </option>
        ))}
      </SelectField>
      <TextField name="reason" label={reasonLabel} required={reasonRequired} maxLength={500} error={errorFor("reason")} />
      <button type="submit" className="button button--primary">
        {submitLabel}
      </button>
    </Form>
  );
}

type RosterContext = { actionData: ClassActionData | undefined; moveTargets: Data["moveTargets"]; running: boolean };

function RosterGroup({
  title,
  rows,
  context,
  ordered = false,
  collapsed = false,
}: {
  title: string;
  rows: (RosterRow & { position?: number })[];
  context: RosterContext;
  ordered?: boolean;
  collapsed?: boolean;
}) {
  const { t } = useT();
  const items = rows.map((row) => <RosterItem key={row.id} row={row} context={context} />);
  const list = ordered ? <ol className="roster-list">{items}</ol> : <ul className="roster-list">{items}</ul>;
  const body = rows.length ? list : <p className="muted small">{t("classes.roster.empty")}</p>;
  if (collapsed) {
    return (
      <details className="roster-group">
        <summary className="roster-group__title">{title}</summary>
        {body}
      </details>
    );
  }
  return (
    <div className="roster-group">
      <h3 className="roster-group__title">{title}</h3>
      {body}
    </div>
  );
}

function RosterItem({ row, context }: { row: RosterRow & { position?: number }; context: RosterContext }) {
  const { t, locale } = useT();
  const { actionData, running } = context;
  const intent = actionData?.intent;
  const mine = actionData?.target === row.id && ROSTER_INTENTS.includes(intent ?? "");
  const active = row.status === "enrolled" || row.status === "waitlisted" || row.status === "pending_approval";
  const failed = mine && Boolean(actionData?.fieldErrors || actionData?.fieldText || actionData?.formError);
  const unit = locale === "en" ? row.person.unit.nameEn : row.person.unit.nameZh;
  return (
    <li className="roster-item">
      <p className="roster-item__who">
        <strong>{row.person.name}</strong> <span className="muted small">{row.person.employeeNo}</span>
      </p>
      <p className="roster-item__meta small">
        <span className="muted">{unit}</span>
        {row.position ? <span className="badge">{t("classes.roster.position", { position: row.position })}</span> : null}
        {row.status !== "enrolled" && row.status !== "waitlisted" ? (
          <span className="badge">{t(`enrolment.status.${row.status}` as MessageKey)}</span>
        ) : null}
        {active && !row.inScope ? <span className="badge badge--todo">{t("classes.roster.outOfScope")}</span> : null}
      </p>
      {row.decisionReason && !active ? <p className="muted small">{t("classes.roster.decisionReason", { reason: row.decisionReason })}</p> : null}
      <Alerts data={actionData} notice={false} error={mine} />
      {active && running && row.inScope ? (
        <details className="roster-item__actions" open={failed}>
          <summary>{t("common.actions")}</summary>
          <RosterActions row={row} context={context} />
        </details>
      ) : null}
    </li>
  );
}

function RosterActions({ row, context }: { row: RosterRow; context: RosterContext }) {
  const { t, locale } = useT();
  const { actionData, moveTargets } = context;
  const errors = (form: string) => fieldErrorGetter(t, actionData, form, row.id);
  const name = (n: { nameZh: string; nameEn: string }) => (locale === "en" ? n.nameEn : n.nameZh);
  return (
    <div className="roster-actions">
      <Form method="post" preventScrollReset className="stack" noValidate>
        <input type="hidden" name="intent" value="withdraw" />
        <input type="hidden" name="enrolmentId" value={row.id} />
        <TextField name="reason" label={t("classes.roster.reason")} hint={t("classes.roster.reasonHint")} required maxLength={500}
          error={errors("withdraw")("reason")} />
        <button type="submit" className="button">
          {t("classes.roster.withdraw")}
        </button>
      </Form>
      {moveTargets.length > 0 ? (
        <Form method="post" preventScrollReset className="stack" noValidate>
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="enrolmentId" value={row.id} />
          <SelectField name="toOfferingId" label={t("classes.roster.moveTo")} required error={errors("move")("toOfferingId")}>
            {moveTargets.map((m) => (
              <option key={m.id} value={m.id}>
                {t("classes.roster.moveOption", {
                  code: m.code,
                  date: dayRange(locale, m.startsAt, m.startsAt),
                  unit: name(m.hostUnit),
                  left: Math.max(0, m.capacity - m.seatsTaken),
                })}
              </option>
            ))}
          </SelectField>
          <TextField name="reason" label={t("classes.roster.reason")} hint={t("classes.roster.reasonHint")} required maxLength={500}
            error={errors("move")("reason")} />
          <button type="submit" className="button">
            {t("classes.roster.move")}
          </button>
        </Form>
      ) : (
        <p className="muted small">{t("classes.roster.noTargets")}</p>
      )}
    </div>
  );
}

function SessionForm({
  intent,
  sessionId,
  defaults,
  errorFor,
  submitLabel,
}: {
  intent: string;
  sessionId?: number;
  defaults: { date: string; startTime: string; endTime: string; title: string; venue: string };
  errorFor: (field: string) => string | undefined;
  submitLabel: string;
}) {
  const { t } = useT();
  return (
    <Form method="post" preventScrollReset className="stack session-form" noValidate>
      <input type="hidden" name="intent" value={intent} />
      {sessionId ? <input type="hidden" name="sessionId" value={sessionId} /> : null}
      <TextField name="date" type="date" label={t("classes.sessions.date")} hint={t("classes.field.timeZoneNote")} required
        defaultValue={defaults.date} error={errorFor("date")} />
      <div className="class-form__pair">
        <TextField name="startTime" type="time" label={t("classes.sessions.startTime")} required defaultValue={defaults.startTime}
          error={errorFor("startTime")} />
        <TextField name="endTime" type="time" label={t("classes.sessions.endTime")} required defaultValue={defaults.endTime}
          error={errorFor("endTime")} />
      </div>
      <TextField name="title" label={t("classes.sessions.title")} maxLength={200} defaultValue={defaults.title} error={errorFor("title")} />
      <TextField name="venue" label={t("classes.sessions.venue")} hint={t("classes.sessions.venueHint")} maxLength={200}
        defaultValue={defaults.venue} error={errorFor("venue")} />
      <button type="submit" className="button button--primary">
        {submitLabel}
      </button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
