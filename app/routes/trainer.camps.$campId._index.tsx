import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { addBrief, addCampStaff, loadCampOverview, ORGANISER_ROLES, removeCampStaff, requireCampStaff, setCampClosed, updateCampSettings } from "~/camps/camps.server";
import { isCampError } from "~/camps/errors";
import { busyActionResponse } from "~/db/busy-response.server";
import { parseShanghaiLocal } from "~/classes/shanghai-time";
import { CampSchedule } from "~/components/camp-schedule";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { parsePoints } from "~/grading/points";
import { db } from "~/utils/db.server";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const BriefSchema = z.object({
  intent: z.literal("add-brief"),
  title: fields.text(200),
  description: z.string().trim().max(5000, msg("errors.tooLong", { max: 5000 })).default(""),
  dueAt: z
    .string({ error: msg("errors.required") })
    .transform((value, ctx) => {
      const at = parseShanghaiLocal(value);
      if (!at) {
        ctx.addIssue({ code: "custom", message: msg("errors.invalid") });
        return z.NEVER;
      }
      return at;
    }),
});

const StatusSchema = z.object({
  intent: z.enum(["close", "reopen"], { error: msg("errors.badRequest") }),
  reason: fields.text(500),
});

const SettingsSchema = z.object({
  intent: z.literal("settings"),
  passMark: z.string({ error: msg("errors.required") }).transform((value, ctx) => {
    const points = parsePoints(value);
    if (points === null || points < 0 || points > 10_000) {
      ctx.addIssue({ code: "custom", message: msg("camps.settings.errors.passMark") });
      return z.NEVER;
    }
    return points;
  }),
  // "At least two markers" by default; a camp may ask for more, never fewer than two.
  markersPerProject: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(2, msg("errors.invalidNumber")).max(10, msg("errors.invalidNumber")),
  moderationThresholdPct: z.coerce.number({ error: msg("errors.invalidNumber") }).int(msg("errors.invalidNumber")).min(1, msg("errors.invalidNumber")).max(100, msg("errors.invalidNumber")),
  blindMarking: z.literal("on").optional().transform((v) => v === "on"),
});
const StaffAddSchema = z.object({ intent: z.literal("staff-add"), userId: fields.id(), role: fields.choice(["mentor", "judge"] as const) });
const StaffRemoveSchema = z.object({ intent: z.literal("staff-remove"), userId: fields.id(), reason: fields.text(500) });

type ActionData = { ok: boolean; notice?: MessageKey; noticeParams?: Params; fieldErrors?: FieldErrors; error?: { key: string; params?: Params } };

function campIdOf(params: LoaderFunctionArgs["params"]): number {
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  const role = await requireCampStaff(user, campId);
  const overview = await loadCampOverview(campId);
  const [settings, trainers] = await Promise.all([
    db.camp.findUniqueOrThrow({ where: { id: campId }, select: { passMark: true, markersPerProject: true, moderationThresholdPct: true, blindMarking: true } }),
    // The lead picks new mentors and judges among enabled trainer accounts not yet on the staff.
    role === "lead"
      ? db.user.findMany({
          where: { role: "trainer", disabledAt: null, campRoles: { none: { campId } } },
          orderBy: [{ displayName: "asc" }, { id: "asc" }],
          select: { id: true, displayName: true, username: true },
        })
      : ([] as { id: number; displayName: string; username: string }[]),
  ]);
  return json({ ...overview, settings, trainers, role, canOrganise: ORGANISER_ROLES.includes(role) }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  const form = await readFormData(request);
  const intent = form.get("intent");
  try {
    if (intent === "settings" || intent === "staff-add" || intent === "staff-remove") {
      // The marking rules and the staff are the lead mentor's (checked again in the domain).
      await requireCampStaff(user, campId, ["lead"]);
      return await leadAction(form, campId, user.id);
    }
    if (intent === "close" || intent === "reopen") {
      // Closing and reopening the camp is the lead mentor's.
      await requireCampStaff(user, campId, ["lead"]);
      const parsed = parseForm(form, StatusSchema);
      if (!parsed.ok) return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" } }, { status: 400 });
      await setCampClosed({ campId, actorId: user.id, closed: parsed.data.intent === "close", reason: parsed.data.reason });
      return json<ActionData>({ ok: true, notice: parsed.data.intent === "close" ? "camps.close.closed" : "camps.close.reopened" });
    }
    await requireCampStaff(user, campId, ORGANISER_ROLES);
    const parsed = parseForm(form, BriefSchema);
    if (!parsed.ok) return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" } }, { status: 400 });
    await addBrief({ campId, actorId: user.id, ...parsed.data });
    return json<ActionData>({ ok: true, notice: "camps.briefs.added" });
  } catch (error) {
    const busy = busyActionResponse(error, { ok: false });
    if (busy) return busy;
    if (!isCampError(error)) throw error;
    return json<ActionData>({ ok: false, error: { key: error.code, params: error.params } }, { status: 409 });
  }
}

async function leadAction(form: FormData, campId: number, actorId: number) {
  const intent = form.get("intent");
  if (intent === "settings") {
    const parsed = parseForm(form, SettingsSchema);
    if (!parsed.ok) return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" } }, { status: 400 });
    const { intent: _intent, ...settings } = parsed.data;
    const { changed } = await updateCampSettings({ campId, actorId, settings });
    return json<ActionData>({ ok: true, notice: changed.length > 0 ? "camps.settings.saved" : "camps.settings.unchanged" });
  }
  if (intent === "staff-add") {
    const parsed = parseForm(form, StaffAddSchema);
    if (!parsed.ok) return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" } }, { status: 400 });
    const { displayName } = await addCampStaff({ campId, actorId, userId: parsed.data.userId, role: parsed.data.role });
    return json<ActionData>({ ok: true, notice: "camps.staff.added", noticeParams: { name: displayName } });
  }
  const parsed = parseForm(form, StaffRemoveSchema);
  if (!parsed.ok) return json<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, error: { key: "errors.form" } }, { status: 400 });
  const { displayName } = await removeCampStaff({ campId, actorId, userId: parsed.data.userId, reason: parsed.data.reason });
  return json<ActionData>({ ok: true, notice: "camps.staff.removed", noticeParams: { name: displayName } });
}

export default function CampOverview() {
  const { camp, days, staff, briefs, participants, teams, projects, role, canOrganise, settings, trainers } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, date, dateTime } = useT();
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const title = locale === "en" ? camp.offering.course.titleEn : camp.offering.course.titleZh;
  const teamName = new Map(teams.map((team) => [team.id, team.name]));
  return (
    <>
      <p className="back-link">
        <Link to="/trainer">{t("camps.backToTeaching")}</Link>
      </p>
      <h1 data-testid="page-title">{title}</h1>
      <p className="muted">
        {camp.offering.code} · {date(camp.offering.startsAt)} – {date(camp.offering.endsAt)} · {t("camps.length", camp.length)}
        {camp.offering.venue ? ` · ${camp.offering.venue}` : ""}
      </p>
      <p className="camp-head__badges">
        <span className={camp.status === "closed" ? "badge badge--ok" : "badge"}>{t(`camps.status.${camp.status}` as MessageKey)}</span>{" "}
        <span className="badge">{t(`camps.staffRole.${role}` as MessageKey)}</span>
      </p>
      <p className="button-row">
        <Link className="button" to={`/trainer/classes/${camp.offeringId}`}>
          {t("camps.attendanceLink")}
        </Link>
        <Link className="button" to={`/trainer/camps/${camp.id}/teams`}>
          {t("camps.teamsLink")}
        </Link>
      </p>
      {result?.notice ? (
        <p className="alert alert--success" role="status">
          {t(result.notice, result.noticeParams)}
        </p>
      ) : null}
      {result?.error && !result.fieldErrors ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, msg(result.error.key as MessageKey, result.error.params))}
        </p>
      ) : null}

      <CampSchedule days={days} defaultVenue={camp.offering.venue} />

      <section className="card" aria-labelledby="briefs-title">
        <h2 id="briefs-title">{t("camps.briefs.title")}</h2>
        {briefs.length === 0 ? <p className="muted">{t("camps.briefs.none")}</p> : null}
        {briefs.map((brief) => {
          const answers = projects.filter((p) => p.briefId === brief.id);
          return (
            <article key={brief.id} className="camp-brief">
              <h3 className="camp-brief__title">{brief.title}</h3>
              <p className="muted small">{t("camps.briefs.due", { at: dateTime(brief.dueAt) })}</p>
              {brief.description ? <p className="camp-brief__text">{brief.description}</p> : null}
              <h4 className="camp-brief__sub">{t("camps.projects.title")}</h4>
              {answers.length === 0 ? (
                <p className="muted small">{t("camps.projects.none")}</p>
              ) : (
                <ul className="camp-projects">
                  {answers.map((p) => (
                    <li key={p.id} className="camp-project">
                      <div className="camp-project__head">
                        <strong>{p.title}</strong> <span className="muted small">{teamName.get(p.teamId)}</span>
                        {canOrganise ? (
                          <>
                            {" "}
                            <a className="small" href={`/camps/teams/${p.teamId}/feedback.pdf`} download>
                              {t("documents.feedback.download")}
                            </a>
                          </>
                        ) : null}
                      </div>
                      {p.latest ? (
                        <p className="small">
                          {t("camps.projects.version", { n: p.latest.versionNo })} · {t("camps.projects.submittedAt", { at: dateTime(p.latest.submittedAt) })}{" "}
                          <span className={p.latest.late ? "badge badge--todo" : "badge badge--ok"}>
                            {p.latest.late ? t("camps.projects.late") : t("camps.projects.onTime")}
                          </span>
                        </p>
                      ) : (
                        <p className="muted small">{t("camps.projects.notSubmitted")}</p>
                      )}
                      {p.latest && p.latest.attachments.length > 0 ? (
                        <ul className="camp-files" aria-label={t("camps.projects.attachments")}>
                          {p.latest.attachments.map((a) => (
                            <li key={a.id}>
                              <a href={`/camps/attachments/${a.id}`} download>
                                {a.originalName}
                              </a>{" "}
                              <span className="muted small">{t("camps.project.size", { kb: Math.max(1, Math.round(a.sizeBytes / 1024)) })}</span>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </article>
          );
        })}
        {canOrganise && camp.status !== "closed" ? (
          <details className="camp-brief-form">
            <summary>{t("camps.briefs.add")}</summary>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="add-brief" />
              <TextField name="title" label={t("camps.briefs.fieldTitle")} required error={translateError(t, result?.fieldErrors?.title)} />
              <div className="field">
                <label htmlFor="brief-description">{t("camps.briefs.fieldDescription")}</label>
                <textarea id="brief-description" name="description" rows={4} />
              </div>
              <TextField name="dueAt" type="datetime-local" label={t("camps.briefs.fieldDue")} required error={translateError(t, result?.fieldErrors?.dueAt)} />
              <button type="submit" className="button button--primary">
                {t("camps.briefs.add")}
              </button>
            </Form>
          </details>
        ) : null}
      </section>

      <section className="card" aria-labelledby="teams-title">
        <h2 id="teams-title">{t("camps.teams.title")}</h2>
        {teams.length === 0 ? (
          <p className="muted">{t("camps.teams.none")}</p>
        ) : (
          <ul className="camp-teams">
            {teams.map((team) => (
              <li key={team.id} className="camp-team">
                <div className="camp-team__head">
                  <strong>{team.name}</strong> <span className="muted small">{t("camps.teams.count", { count: team.members.length })}</span>
                </div>
                <p className="small">{team.mentor ? t("camps.teams.mentor", { name: team.mentor.displayName ?? "—" }) : t("camps.teams.noMentor")}</p>
                <p className="small camp-team__members">{team.members.map((m) => m.name).join("、")}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="participants-title">
        <h2 id="participants-title">
          {t("camps.participants.title")} <span className="muted small">{t("common.total", { count: participants.length })}</span>
        </h2>
        {participants.length === 0 ? (
          <p className="muted">{t("camps.participants.none")}</p>
        ) : (
          <ul className="camp-people">
            {participants.map((p) => (
              <li key={p.id} className="camp-person">
                <span>
                  {p.name} <span className="muted small">{p.employeeNo} · {unitName(p.unit)}</span>
                </span>
                <span className={p.team ? "badge" : "badge badge--todo"}>{p.team ? p.team.name : t("camps.participants.noTeam")}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {role === "lead" ? (
        <section className="card" aria-labelledby="close-title">
          <h2 id="close-title">{camp.status === "closed" ? t("camps.close.reopen") : t("camps.close.title")}</h2>
          <p className="muted small">{camp.status === "closed" ? t("camps.close.reopenHint") : t("camps.close.hint")}</p>
          <Form method="post" className="stack">
            <TextField name="reason" label={t("camps.close.reason")} required maxLength={500} error={translateError(t, result?.fieldErrors?.reason)} />
            <div>
              <button type="submit" name="intent" value={camp.status === "closed" ? "reopen" : "close"} className={camp.status === "closed" ? "button" : "button button--danger"}>
                {camp.status === "closed" ? t("camps.close.reopen") : t("camps.close.close")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="staff-title">
        <h2 id="staff-title">{t("camps.staff.title")}</h2>
        <ul className="camp-people">
          {staff.map((s) => (
            <li key={s.userId} className="camp-person">
              <span>{s.displayName}</span>
              <span className="badge">{t(`camps.staffRole.${s.role}` as MessageKey)}</span>
              {role === "lead" && s.role !== "lead" ? (
                <details className="camp-staff-remove">
                  <summary aria-label={t("camps.staff.removeLabel", { name: s.displayName })}>{t("camps.staff.remove")}</summary>
                  <Form method="post" className="stack">
                    <input type="hidden" name="userId" value={s.userId} />
                    <TextField name="reason" label={t("camps.staff.removeReason")} required maxLength={500} />
                    <div>
                      <button type="submit" name="intent" value="staff-remove" className="button button--danger">
                        {t("camps.staff.removeLabel", { name: s.displayName })}
                      </button>
                    </div>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        {role === "lead" && trainers.length > 0 ? (
          <Form method="post" className="stack">
            <h3>{t("camps.staff.add")}</h3>
            <SelectField name="userId" label={t("camps.staff.user")} error={translateError(t, result?.fieldErrors?.userId)}>
              {trainers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.username})
                </option>
              ))}
            </SelectField>
            <SelectField name="role" label={t("camps.staff.role")} defaultValue="mentor" error={translateError(t, result?.fieldErrors?.role)}>
              <option value="mentor">{t("camps.staffRole.mentor")}</option>
              <option value="judge">{t("camps.staffRole.judge")}</option>
            </SelectField>
            <div>
              <button type="submit" name="intent" value="staff-add" className="button">
                {t("camps.staff.addButton")}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="settings-title">
        <h2 id="settings-title">{t("camps.settings.title")}</h2>
        {role === "lead" ? (
          <Form method="post" className="stack">
            <p className="muted small">{t("camps.settings.hint")}</p>
            <TextField name="passMark" label={t("camps.settings.passMark")} defaultValue={(settings.passMark / 100).toString()} inputMode="decimal" required error={translateError(t, result?.fieldErrors?.passMark)} />
            <TextField name="markersPerProject" label={t("camps.settings.markers")} defaultValue={String(settings.markersPerProject)} inputMode="numeric" required error={translateError(t, result?.fieldErrors?.markersPerProject)} />
            <TextField name="moderationThresholdPct" label={t("camps.settings.threshold")} defaultValue={String(settings.moderationThresholdPct)} inputMode="numeric" required error={translateError(t, result?.fieldErrors?.moderationThresholdPct)} />
            <div className="field field--checkbox">
              <label>
                <input type="checkbox" name="blindMarking" defaultChecked={settings.blindMarking} /> {t("camps.settings.blind")}
              </label>
            </div>
            <div>
              <button type="submit" name="intent" value="settings" className="button">
                {t("camps.settings.save")}
              </button>
            </div>
          </Form>
        ) : (
          <ul className="list">
            <li>{t("camps.settings.passMark")}: {settings.passMark / 100}</li>
            <li>{t("camps.settings.markers")}: {settings.markersPerProject}</li>
            <li>{t("camps.settings.threshold")}: {settings.moderationThresholdPct}%</li>
            {settings.blindMarking ? <li>{t("camps.settings.blind")}</li> : null}
          </ul>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
