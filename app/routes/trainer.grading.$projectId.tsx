import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TextField } from "~/components/fields";
import { busyActionResponse } from "~/db/busy-response.server";
import { requireProjectStaff } from "~/grading/access.server";
import { GRADING_ERRORS, isGradingError } from "~/grading/errors";
import { loadGradingScreen, projectInCamp, recordAdjustment, saveMark, type ScoreInput } from "~/grading/grading.server";
import { markerTotal } from "~/grading/marks";
import { parsePoints } from "~/grading/points";
import { criterionDescription, criterionTitle, levelDescriptor, levelLabel } from "~/grading/rubric-text";
import { isEnrolmentError } from "~/enrolment/errors";
import { isMessageKey, useT, type MessageKey, type Params } from "~/i18n/i18n";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { readFormData } from "~/utils/form-data.server";

/** While JavaScript runs, a changed draft is saved this often (a quiet save: saveMark). */
export const AUTOSAVE_MS = 4000;

// "save-and-go": the previous / next buttons submit the marking form (with ?go=<projectId>), so
// edits made since the last autosave are kept when the marker moves on, with or without JavaScript.
const IntentSchema = z.object({ intent: z.enum(["save", "submit", "autosave", "save-and-go", "adjust"], { error: msg("errors.badRequest") }) });
const MarkFormSchema = z.object({ reason: fields.optionalText(500) });
const AdjustSchema = z.object({
  personId: fields.id(),
  delta: z.string({ error: msg("errors.required") }).refine((v) => parsePoints(v) !== null && parsePoints(v) !== 0, msg("errors.invalidNumber")),
  adjustReason: fields.text(500),
});
const LEVEL_FIELD = /^level\.(\d{1,9})$/;
const COMMENT_FIELD = /^comment\.(\d{1,9})$/;

/** The per-criterion fields `level.<criterionId>` and `comment.<criterionId>`; the first value wins. */
function parseScores(form: FormData): { scores: ScoreInput[]; fieldErrors: FieldErrors } {
  const byCriterion = new Map<number, ScoreInput>();
  const fieldErrors: FieldErrors = {};
  const entry = (id: number) => byCriterion.get(id) ?? byCriterion.set(id, { criterionId: id, levelId: null, comment: "" }).get(id)!;
  const seen = new Set<string>();
  for (const [name, value] of form) {
    if (seen.has(name)) continue;
    seen.add(name);
    const level = LEVEL_FIELD.exec(name);
    const comment = COMMENT_FIELD.exec(name);
    if (level) {
      const parsed = fields.id().safeParse(value);
      if (parsed.success) entry(Number(level[1])).levelId = parsed.data;
      else fieldErrors[name] = msg("errors.invalidChoice");
    } else if (comment) {
      const text = typeof value === "string" ? value.trim() : "";
      if (text.length > 2000) fieldErrors[name] = msg("errors.tooLong", { max: 2000 });
      entry(Number(comment[1])).comment = text;
    }
  }
  return { scores: [...byCriterion.values()], fieldErrors };
}

function projectIdOf(params: LoaderFunctionArgs["params"]) {
  const id = fields.id().safeParse(params.projectId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const projectId = projectIdOf(params);
  await requireProjectStaff(user, projectId);
  const screen = await loadGradingScreen(projectId, user.id);
  if (!screen) notFound();
  return json({ ...screen, viewerId: user.id }, { headers: { "Cache-Control": "no-store" } });
}

type ActionData = {
  notice?: { key: MessageKey; params?: Params };
  error?: { key: string; params?: Params };
  fieldErrors?: FieldErrors;
  autosavedAt?: string;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const projectId = projectIdOf(params);
  const { campId } = await requireProjectStaff(user, projectId);
  const form = await readFormData(request);
  const intent = parseForm(form, IntentSchema);
  if (!intent.ok) return json<ActionData>({ error: { key: "errors.badRequest" } }, { status: 400 });
  try {
    if (intent.data.intent === "adjust") {
      const parsed = parseForm(form, AdjustSchema);
      if (!parsed.ok) return json<ActionData>({ error: { key: "errors.form" }, fieldErrors: parsed.fieldErrors }, { status: 400 });
      await recordAdjustment({ campId, personId: parsed.data.personId, delta: parsePoints(parsed.data.delta)!, reason: parsed.data.adjustReason, byId: user.id });
      return json<ActionData>({ notice: { key: "grading.screen.adjusted" } });
    }
    const parsed = parseForm(form, MarkFormSchema);
    const { scores, fieldErrors } = parseScores(form);
    if (!parsed.ok || Object.keys(fieldErrors).length > 0) {
      return json<ActionData>({ error: { key: "errors.form" }, fieldErrors: { ...fieldErrors, ...(parsed.ok ? {} : parsed.fieldErrors) } }, { status: 400 });
    }
    if (intent.data.intent === "save-and-go") {
      const go = fields.id().safeParse(new URL(request.url).searchParams.get("go"));
      if (!go.success || !(await projectInCamp(go.data, campId))) return json<ActionData>({ error: { key: "errors.badRequest" } }, { status: 400 });
      try {
        await saveMark({ projectId, markerId: user.id, scores, submit: false, reason: parsed.data.reason, quiet: true });
      } catch (error) {
        // A submitted mark changes only by submitting again, a released one not at all: just move on.
        if (!(isGradingError(error) && (error.code === GRADING_ERRORS.alreadySubmitted || error.code === GRADING_ERRORS.released))) throw error;
      }
      return redirect(`/trainer/grading/${go.data}`);
    }
    const submit = intent.data.intent === "submit";
    const quiet = intent.data.intent === "autosave";
    const result = await saveMark({ projectId, markerId: user.id, scores, submit, reason: parsed.data.reason, quiet });
    if (quiet) return json<ActionData>({ autosavedAt: new Date().toISOString() });
    return json<ActionData>({ notice: submit ? { key: "grading.screen.submitted", params: { total: (result.total ?? 0) / 100 } } : { key: "grading.screen.saved" } });
  } catch (error) {
    // Every attempt lost a race: 503 errors.busy; the marks stay in the form to send again.
    const busy = busyActionResponse<ActionData>(error, {});
    if (busy) return busy;
    if (isGradingError(error) || isEnrolmentError(error)) {
      return json<ActionData>({ error: { key: error.code, params: error.params } }, { status: 400 });
    }
    throw error;
  }
}

type Selection = Record<string, number>;

const MARKING_FORM = "marking-form";

/**
 * Previous / next: while the marker has a draft in progress, a submit button of the marking form
 * (intent "save-and-go", works without JavaScript); otherwise a plain link.
 */
function PagerLink(props: { to: number; saves: boolean; projectId: number; rel: "prev" | "next"; accessKey: string; label: string }) {
  if (!props.saves) {
    return (
      <Link to={`/trainer/grading/${props.to}`} rel={props.rel} accessKey={props.accessKey}>
        {props.label}
      </Link>
    );
  }
  return (
    <button
      type="submit"
      form={MARKING_FORM}
      name="intent"
      value="save-and-go"
      formAction={`/trainer/grading/${props.projectId}?go=${props.to}`}
      formMethod="post"
      className="link-button"
      accessKey={props.accessKey}
      data-testid={`pager-${props.rel}`}
    >
      {props.label}
    </button>
  );
}

/** j / k between criteria, digits pick a level of the focused criterion; not while typing. */
function useMarkingKeys() {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && (target as HTMLInputElement).type !== "radio"))) return;
      const groups = [...document.querySelectorAll<HTMLFieldSetElement>("fieldset[data-criterion]")];
      if (groups.length === 0) return;
      const current = groups.findIndex((g) => g.contains(document.activeElement));
      const focusGroup = (index: number) => {
        const group = groups[Math.max(0, Math.min(groups.length - 1, index))];
        const radio = group.querySelector<HTMLInputElement>("input[type=radio]:checked") ?? group.querySelector<HTMLInputElement>("input[type=radio]");
        radio?.focus();
        group.scrollIntoView({ block: "nearest" });
      };
      if (event.key === "j") {
        event.preventDefault();
        focusGroup(current + 1);
      } else if (event.key === "k") {
        event.preventDefault();
        focusGroup(current < 0 ? 0 : current - 1);
      } else if (/^[1-9]$/.test(event.key) && current >= 0) {
        const radios = groups[current].querySelectorAll<HTMLInputElement>("input[type=radio]");
        const radio = radios[Number(event.key) - 1];
        if (radio) {
          event.preventDefault();
          radio.click();
          radio.focus();
        }
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}

export default function GradingScreen() {
  const data = useLoaderData<typeof loader>();
  const { project, rubric, mine, others, canSeeOthers, standing, finalMark, history, previousId, nextId, members, role } = data;
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const fetcher = useFetcher<typeof action>();
  const { t, locale, dateTime, points } = useT();
  const formRef = useRef<HTMLFormElement>(null);
  const dirty = useRef(false);
  const [selection, setSelection] = useState<Selection>(() => Object.fromEntries((mine?.scores ?? []).map((s) => [String(s.criterionId), s.levelId])));
  const [autosavedAt, setAutosavedAt] = useState<string | null>(null);
  useMarkingKeys();

  const released = !!finalMark?.releasedAt;
  const submitted = mine?.status === "submitted";
  const editable = !released && !!rubric;
  const busy = navigation.state === "submitting";
  // A draft in progress is saved on the way to the previous / next project (never a submitted mark).
  const savesOnLeaving = editable && !submitted;

  const onChange = useCallback((event: FormEvent<HTMLFormElement>) => {
    const input = event.target as HTMLInputElement;
    const match = /^level\.(\d+)$/.exec(input.name);
    if (match && input.checked) setSelection((s) => ({ ...s, [match[1]]: Number(input.value) }));
    dirty.current = true;
  }, []);

  // Autosave drafts (never a submitted mark: that changes only by submitting again).
  useEffect(() => {
    if (!editable || submitted) return;
    const timer = window.setInterval(() => {
      if (!dirty.current || fetcher.state !== "idle" || !formRef.current) return;
      dirty.current = false;
      const body = new FormData(formRef.current);
      body.set("intent", "autosave");
      fetcher.submit(body, { method: "post" });
    }, AUTOSAVE_MS);
    return () => window.clearInterval(timer);
  }, [editable, submitted, fetcher]);
  useEffect(() => {
    const result = fetcher.data as ActionData | undefined;
    if (result?.autosavedAt) setAutosavedAt(result.autosavedAt);
  }, [fetcher.data]);

  const criteria = rubric?.criteria ?? [];
  const chosen = criteria.flatMap((c) => {
    const level = c.levels.find((l) => l.id === selection[String(c.id)]);
    return level ? [{ weight: c.weight, points: level.points }] : [];
  });
  const complete = criteria.length > 0 && chosen.length === criteria.length;
  const fetchError = (fetcher.data as ActionData | undefined)?.error;
  const error = actionData?.error ?? fetchError;
  const titleOf = (criterionId: unknown) => {
    const criterion = criteria.find((c) => c.id === criterionId);
    return criterion ? criterionTitle(locale, criterion) : "";
  };
  // A refusal names its criterion by id too: shown in the reader's language, not the stored Chinese.
  const errorParams = error?.params?.criterionId !== undefined ? { ...error.params, criterion: titleOf(error.params.criterionId) } : error?.params;
  const errorText = error ? (isMessageKey(error.key) ? t(error.key, errorParams) : t("errors.invalid")) : undefined;
  const markerName = (id: number) => (id === data.viewerId ? mine?.marker.displayName : others.find((m) => m.markerId === id)?.marker.displayName) ?? `#${id}`;
  const version = project.version;

  return (
    <>
      <p className="back-link">
        <Link to="/trainer/grading">{t("grading.screen.back")}</Link>
      </p>
      <h1 data-testid="page-title">
        {project.title} <span className="muted h1-sub">{project.team.name}</span>
      </h1>
      <nav className="grading-pager" aria-label={t("grading.title")}>
        {previousId ? <PagerLink to={previousId} saves={savesOnLeaving} projectId={project.id} rel="prev" accessKey="p" label={`← ${t("grading.screen.previous")}`} /> : <span />}
        {nextId ? <PagerLink to={nextId} saves={savesOnLeaving} projectId={project.id} rel="next" accessKey="n" label={`${t("grading.screen.next")} →`} /> : null}
      </nav>
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {errorText ? (
        <p className="alert alert--error" role="alert">
          {errorText}
        </p>
      ) : null}

      <div className="grading-layout">
        <section className="card grading-submission" aria-labelledby="submission-title">
          <h2 id="submission-title">{t("grading.screen.submission")}</h2>
          {version ? (
            <>
              <p className="muted small">
                {t("grading.screen.version", { n: version.versionNo, time: dateTime(version.submittedAt) })}{" "}
                {version.late ? <span className="badge badge--todo">{t("grading.screen.late")}</span> : null}
              </p>
              {(["background", "design", "budget", "impact"] as const).map((part) => (
                <section key={part} className="grading-part">
                  <h3>{t(`grading.part.${part}`)}</h3>
                  <p>{version[part]}</p>
                </section>
              ))}
              {version.attachments.length > 0 ? (
                <>
                  <h3>{t("grading.screen.attachments")}</h3>
                  <ul className="list">
                    {version.attachments.map((a) => (
                      <li key={a.id}>
                        <a href={`/camps/attachments/${a.id}`}>{a.originalName}</a> <span className="muted small">{Math.ceil(a.sizeBytes / 1024)} KB</span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          ) : (
            <p className="muted">{t("grading.screen.noVersion")}</p>
          )}
        </section>

        <section className="card grading-rubric" aria-labelledby="rubric-title">
          <h2 id="rubric-title">
            {t("grading.screen.rubric")}{" "}
            {mine ? <span className={submitted ? "badge badge--ok" : "badge"}>{t(submitted ? "grading.screen.status.submitted" : "grading.screen.status.draft")}</span> : null}
          </h2>
          {!rubric ? <p className="muted">{t("grading.noRubric")}</p> : null}
          {released ? <p className="alert alert--warning">{t("grading.screen.locked")}</p> : null}
          {rubric ? (
            <Form method="post" id={MARKING_FORM} ref={formRef} onChange={onChange} onSubmit={() => (dirty.current = false)} className="stack">
              <p className="muted small">{t("grading.screen.keys")}</p>
              {criteria.map((c) => {
                const current = mine?.scores.find((s) => s.criterionId === c.id);
                const name = `level.${c.id}`;
                const fieldError = actionData?.fieldErrors?.[name];
                return (
                  <fieldset key={c.id} className="grading-criterion" data-criterion={c.id} disabled={!editable}>
                    <legend>
                      <strong>{criterionTitle(locale, c)}</strong> <span className="muted small">{t("grading.screen.weight", { weight: c.weight })}</span>
                    </legend>
                    {c.description ? <p className="muted small">{criterionDescription(locale, c)}</p> : null}
                    <div className="grading-levels">
                      {c.levels.map((l, i) => (
                        <label key={l.id} className="grading-level">
                          <input type="radio" name={name} value={l.id} defaultChecked={current?.levelId === l.id} aria-keyshortcuts={String(i + 1)} />
                          <span>
                            <strong>{levelLabel(locale, l)}</strong> <span className="muted small">{t("grading.screen.levelPoints", { points: l.points })}</span>
                            {l.descriptor ? <span className="grading-level__descriptor small">{levelDescriptor(locale, l)}</span> : null}
                          </span>
                        </label>
                      ))}
                    </div>
                    {fieldError ? <span className="field__error">{translateError(t, fieldError)}</span> : null}
                    <div className="field">
                      <label htmlFor={`comment-${c.id}`}>{t("grading.screen.comment")}</label>
                      <textarea id={`comment-${c.id}`} name={`comment.${c.id}`} rows={2} maxLength={2000} defaultValue={current?.comment ?? ""} />
                    </div>
                  </fieldset>
                );
              })}
              <p className="grading-total" aria-live="polite">
                {complete ? t("grading.screen.runningTotal", { total: points(markerTotal(chosen)) }) : t("grading.screen.incompleteTotal", { scored: chosen.length, of: criteria.length })}
              </p>
              {submitted && editable ? <TextField name="reason" label={t("grading.screen.reason")} maxLength={500} error={translateError(t, actionData?.fieldErrors?.reason)} /> : null}
              {editable ? (
                <div className="button-row">
                  {!submitted ? (
                    <button type="submit" name="intent" value="save" className="button" disabled={busy} accessKey="s">
                      {t("grading.screen.save")}
                    </button>
                  ) : null}
                  <button type="submit" name="intent" value="submit" className="button button--primary" disabled={busy}>
                    {t(submitted ? "grading.screen.resubmit" : "grading.screen.submit")}
                  </button>
                </div>
              ) : null}
              <p className="muted small" aria-live="polite">
                {fetcher.state !== "idle" ? t("grading.screen.autosaving") : autosavedAt ? t("grading.screen.autosaved", { time: dateTime(autosavedAt) }) : ""}
              </p>
            </Form>
          ) : null}
        </section>
      </div>

      <section className="card" aria-labelledby="others-title">
        <h2 id="others-title">{t("grading.screen.others")}</h2>
        {!canSeeOthers ? (
          <p className="muted">{t("grading.screen.blind")}</p>
        ) : others.length === 0 ? (
          <p className="muted">{t("grading.screen.noOthers")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("grading.col.marker")}</th>
                  {criteria.map((c) => (
                    <th key={c.id} scope="col">
                      {criterionTitle(locale, c)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    {t("grading.col.total")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {others.map((m) => (
                  <tr key={m.markerId}>
                    <th scope="row">{m.marker.displayName}</th>
                    {criteria.map((c) => {
                      const score = m.scores.find((s) => s.criterionId === c.id);
                      const level = c.levels.find((l) => l.id === score?.levelId);
                      return (
                        <td key={c.id} title={score?.comment || undefined}>
                          {level ? levelLabel(locale, level) : "—"}
                        </td>
                      );
                    })}
                    <td className="num">{m.total === null ? "—" : points(m.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {standing && standing.mean !== null ? <p>{t("grading.screen.mean", { mean: points(standing.mean), submitted: standing.submitted })}</p> : null}
        {standing && standing.disagreements.length > 0 ? (
          <>
            <h3>{t("grading.screen.disagreements")}</h3>
            <ul className="grading-disagreements">
              {standing.disagreements.map((d, i) => (
                <li key={i}>
                  {d.kind === "total"
                    ? t("grading.disagreement.total", { a: markerName(d.markerIds[0]), b: markerName(d.markerIds[1]), difference: points(d.difference) })
                    : t("grading.disagreement.criterion", {
                        a: markerName(d.markerIds[0]),
                        b: markerName(d.markerIds[1]),
                        levels: d.levels,
                        criterion: titleOf(d.criterionId),
                      })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {finalMark && (canSeeOthers || released) ? (
          <p>
            {t("grading.screen.final", { total: points(finalMark.total), method: t(finalMark.method === "moderated" ? "grading.method.moderated" : "grading.method.mean") })}
            {finalMark.reason ? <span className="muted"> · {finalMark.reason}</span> : null}
          </p>
        ) : null}
      </section>

      {role !== "judge" && members.length > 0 ? (
        <section className="card" aria-labelledby="members-title">
          <h2 id="members-title">{t("grading.screen.members")}</h2>
          <ul className="list">
            {members.map((m) => (
              <li key={m.id}>
                <strong>{m.name}</strong> <span className="muted small">{m.employeeNo}</span>
                {m.adjustments.map((a) => (
                  <span key={a.id} className="grading-adjustment small">
                    {(a.delta > 0 ? "+" : "") + points(a.delta)} · {a.reason} · {dateTime(a.createdAt)}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          {!released ? (
            <Form method="post" className="grading-adjust-form">
              <h3>{t("grading.screen.adjust")}</h3>
              <div className="field">
                <label htmlFor="adjust-person">{t("grading.screen.adjustPerson")}</label>
                <select id="adjust-person" name="personId" required>
                  {members.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name} ({m.employeeNo})
                    </option>
                  ))}
                </select>
              </div>
              <TextField name="delta" label={t("grading.screen.adjustDelta")} inputMode="decimal" required error={translateError(t, actionData?.fieldErrors?.delta)} />
              <TextField name="adjustReason" label={t("grading.screen.adjustReason")} required maxLength={500} error={translateError(t, actionData?.fieldErrors?.adjustReason)} />
              <button type="submit" name="intent" value="adjust" className="button" disabled={busy}>
                {t("grading.screen.adjust")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">{t("grading.screen.history")}</h2>
        {history.length === 0 ? (
          <p className="muted">{t("grading.screen.noHistory")}</p>
        ) : (
          <ol className="list grading-history">
            {history.map((h) => (
              <li key={h.id}>
                <span className="muted small">{dateTime(h.createdAt)}</span> {h.actor} · {isMessageKey(`grading.history.${h.kind}`) ? t(`grading.history.${h.kind}` as MessageKey) : h.kind}
                {h.before !== null || h.after !== null ? (
                  <span className="small"> · {t("grading.history.change", { before: h.before === null ? "—" : points(h.before), after: h.after === null ? "—" : points(h.after) })}</span>
                ) : null}
                {h.reason ? <span className="muted small"> · {h.reason}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
