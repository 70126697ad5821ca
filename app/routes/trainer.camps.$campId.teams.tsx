import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { autoSplitTeams, createTeam, loadCampTeams, movePerson, ORGANISER_ROLES, requireCampStaff, setTeamMentor } from "~/camps/camps.server";
import { AUTO_SPLIT_REASON, MAX_TEAMS } from "~/camps/limits";
import { isCampError } from "~/camps/errors";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

const SplitSchema = z.object({
  intent: z.literal("split"),
  teamCount: z.coerce
    .number({ error: msg("errors.invalidNumber") })
    .int(msg("errors.invalidNumber"))
    .min(1, msg("camps.errors.tooManyTeams", { max: MAX_TEAMS }))
    .max(MAX_TEAMS, msg("camps.errors.tooManyTeams", { max: MAX_TEAMS })),
});
const CreateSchema = z.object({ intent: z.literal("create"), name: fields.text(40) });
const MentorSchema = z.object({
  intent: z.literal("mentor"),
  teamId: fields.id(),
  mentorUserId: z.preprocess((v) => (v === "" ? null : v), fields.id().nullable()),
});
const MoveSchema = z.object({
  intent: z.literal("move"),
  personId: fields.id(),
  teamId: fields.id(),
  reason: fields.optionalText(500),
});
const ActionSchema = z.discriminatedUnion("intent", [SplitSchema, CreateSchema, MentorSchema, MoveSchema], { error: msg("errors.badRequest") });

type ActionData = {
  intent?: string;
  teamId?: number;
  fieldErrors?: FieldErrors;
  error?: { key: string; params?: Params };
  notice?: { key: MessageKey; params?: Params };
};

function campIdOf(params: LoaderFunctionArgs["params"]): number {
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  const role = await requireCampStaff(user, campId);
  const data = await loadCampTeams(campId);
  return json({ ...data, canOrganise: ORGANISER_ROLES.includes(role) }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  await requireCampStaff(user, campId, ORGANISER_ROLES);
  const form = await readFormData(request);
  const intent = String(form.get("intent") ?? "");
  const rawTeamId = Number(form.get("teamId"));
  const teamId = Number.isInteger(rawTeamId) && rawTeamId > 0 ? rawTeamId : undefined;
  const parsed = parseForm(form, ActionSchema);
  if (!parsed.ok) {
    return json<ActionData>({ intent, teamId, fieldErrors: parsed.fieldErrors, error: { key: parsed.formError ?? "errors.form" } }, { status: 400 });
  }
  const input = parsed.data;
  try {
    switch (input.intent) {
      case "split": {
        const done = await autoSplitTeams({ campId, teamCount: input.teamCount, actorId: user.id });
        return json<ActionData>({ intent, notice: { key: "camps.teams.auto.done", params: done } });
      }
      case "create": {
        const team = await createTeam({ campId, name: input.name, actorId: user.id });
        return json<ActionData>({ intent, notice: { key: "camps.teams.create.done", params: { name: team.name } } });
      }
      case "mentor": {
        await setTeamMentor({ campId, teamId: input.teamId, mentorUserId: input.mentorUserId, actorId: user.id });
        return json<ActionData>({ intent, teamId, notice: { key: "camps.teams.mentor.done" } });
      }
      case "move": {
        const moved = await movePerson({ campId, personId: input.personId, toTeamId: input.teamId, reason: input.reason, actorId: user.id });
        return json<ActionData>({ intent, notice: { key: "camps.teams.move.done", params: { name: moved.personName, team: moved.teamName } } });
      }
    }
  } catch (error) {
    if (!isCampError(error)) throw error;
    const fieldErrors: FieldErrors = error.code === "camps.errors.reasonRequired" ? { reason: error.code } : {};
    return json<ActionData>({ intent, teamId, fieldErrors, error: { key: error.code, params: error.params } }, { status: 409 });
  }
}

export default function CampTeams() {
  const { camp, staff, teams, unassigned, hasProjects, canOrganise } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const { t, locale, date } = useT();
  const title = locale === "en" ? camp.offering.course.titleEn : camp.offering.course.titleZh;
  const unitName = (u: { nameZh: string; nameEn: string }) => (locale === "en" ? u.nameEn : u.nameZh);
  const errorsFor = (intent: string, teamId?: number) =>
    result && result.intent === intent && (teamId === undefined || result.teamId === teamId) ? (result.fieldErrors ?? {}) : {};
  const editable = canOrganise && camp.status !== "closed";
  const everyone = [...unassigned.map((p) => ({ id: p.id, name: p.name, team: null as string | null })), ...teams.flatMap((team) => team.members.map((m) => ({ id: m.id, name: m.name, team: team.name })))];
  return (
    <>
      <p className="back-link">
        <Link to={`/trainer/camps/${camp.id}`}>{t("camps.backToCamp")}</Link>
      </p>
      <h1 data-testid="page-title">
        {t("camps.teams.pageTitle")} <span className="h1-sub">{title}</span>
      </h1>
      {result?.notice ? (
        <p className="alert alert--success" role="status">
          {t(result.notice.key, result.notice.params)}
        </p>
      ) : null}
      {result?.error ? (
        <p className="alert alert--error" role="alert">
          {translateError(t, msg(result.error.key as MessageKey, result.error.params))}
        </p>
      ) : null}
      {!canOrganise ? <p className="muted">{t("camps.teams.readOnly")}</p> : null}

      {editable ? (
        <section className="card" aria-labelledby="split-title">
          <h2 id="split-title">{t("camps.teams.auto.title")}</h2>
          {hasProjects ? (
            <p className="muted">{t("camps.teams.auto.locked")}</p>
          ) : (
            <Form method="post" className="camp-inline-form">
              <p className="muted small">{t("camps.teams.auto.hint")}</p>
              <input type="hidden" name="intent" value="split" />
              <TextField
                name="teamCount"
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_TEAMS}
                required
                defaultValue={teams.length || 4}
                label={t("camps.teams.auto.count")}
                error={translateError(t, errorsFor("split").teamCount)}
              />
              <button type="submit" className="button button--primary">
                {t("camps.teams.auto.submit")}
              </button>
            </Form>
          )}
        </section>
      ) : null}

      {editable ? (
        <section className="card" aria-labelledby="move-title">
          <h2 id="move-title">{t("camps.teams.move.title")}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="move" />
            <SelectField name="personId" label={t("camps.teams.move.person")} required error={translateError(t, errorsFor("move").personId)}>
              {everyone.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.team ? `（${p.team}）` : ""}
                </option>
              ))}
            </SelectField>
            <SelectField name="teamId" label={t("camps.teams.move.to")} required error={translateError(t, errorsFor("move").teamId)}>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </SelectField>
            <TextField name="reason" label={t("camps.teams.move.reason")} hint={t("camps.teams.move.reasonHint")} error={translateError(t, errorsFor("move").reason)} />
            <button type="submit" className="button">
              {t("camps.teams.move.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="unassigned-title">
        <h2 id="unassigned-title">{t("camps.teams.unassigned")}</h2>
        {unassigned.length === 0 ? (
          <p className="muted">{t("camps.teams.noUnassigned")}</p>
        ) : (
          <ul className="camp-people">
            {unassigned.map((p) => (
              <li key={p.id} className="camp-person">
                <span>
                  {p.name} <span className="muted small">{p.employeeNo} · {unitName(p.unit)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ul className="camp-team-cards">
        {teams.map((team) => (
          <li key={team.id} className="card camp-team-card">
            <h2 className="camp-team-card__title">
              {team.name} <span className="muted small">{t("camps.teams.count", { count: team.members.length })}</span>
              {team.projectCount > 0 ? <span className="badge">{t("camps.teams.projects", { count: team.projectCount })}</span> : null}
            </h2>
            {editable ? (
              <Form method="post" className="camp-inline-form">
                <input type="hidden" name="intent" value="mentor" />
                <input type="hidden" name="teamId" value={team.id} />
                <SelectField
                  name="mentorUserId"
                  label={t("camps.teams.mentor.label")}
                  defaultValue={team.mentor?.id ?? ""}
                  error={translateError(t, errorsFor("mentor", team.id).mentorUserId)}
                >
                  <option value="">{t("camps.teams.mentor.none")}</option>
                  {staff.map((s) => (
                    <option key={s.userId} value={s.userId}>
                      {s.displayName}（{t(`camps.staffRole.${s.role}` as MessageKey)}）
                    </option>
                  ))}
                </SelectField>
                <button type="submit" className="button">
                  {t("camps.teams.mentor.save")}
                </button>
              </Form>
            ) : (
              <p className="small">{team.mentor ? t("camps.teams.mentor", { name: team.mentor.displayName ?? "—" }) : t("camps.teams.noMentor")}</p>
            )}
            <h3 className="camp-team-card__sub">{t("camps.teams.members")}</h3>
            {team.members.length === 0 ? (
              <p className="muted small">{t("camps.teams.empty")}</p>
            ) : (
              <ul className="camp-people">
                {team.members.map((m) => (
                  <li key={m.id} className="camp-person">
                    <span>
                      {m.name} <span className="muted small">{m.employeeNo} · {unitName(m.unit)}</span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {team.former.length > 0 ? (
              <details className="camp-history">
                <summary>{t("camps.teams.former")}</summary>
                <ul className="camp-history__list">
                  {team.former.map((m, i) => (
                    <li key={`${m.id}-${i}`}>
                      {m.name}{" "}
                      <span className="muted small">{t("camps.teams.formerEntry", { from: date(m.joinedAt), to: date(m.leftAt) })}</span>
                      {m.reason ? <span className="camp-history__reason">{m.reason === AUTO_SPLIT_REASON ? t("camps.teams.autoReason") : m.reason}</span> : null}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </li>
        ))}
      </ul>

      {editable ? (
        <section className="card" aria-labelledby="create-title">
          <h2 id="create-title">{t("camps.teams.create.title")}</h2>
          <Form method="post" className="camp-inline-form">
            <input type="hidden" name="intent" value="create" />
            <TextField name="name" label={t("camps.teams.create.name")} required maxLength={40} error={translateError(t, errorsFor("create").name)} />
            <button type="submit" className="button">
              {t("camps.teams.create.title")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
