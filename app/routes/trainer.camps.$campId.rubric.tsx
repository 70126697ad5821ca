import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, TextField } from "~/components/fields";
import { busyActionResponse } from "~/db/busy-response.server";
import { isEnrolmentError } from "~/enrolment/errors";
import { requireCampLead, requireCampStaff } from "~/grading/access.server";
import { isGradingError } from "~/grading/errors";
import { copyTemplateRubric, listTemplates, loadCampRubric, replaceCampRubric, rubricDocument, rubricLocked, saveRubricAsTemplate } from "~/grading/grading.server";
import { applyIntent, checkDraft, draftFromDocument, draftFromForm, draftWeightSum, emptyDraft, type RubricDraft } from "~/grading/rubric-editor";
import { parseRubricText, RUBRIC_LIMITS } from "~/grading/rubric-format";
import { criterionDescription, criterionTitle, levelDescriptor, levelLabel } from "~/grading/rubric-text";
import { isMessageKey, useT, type Locale, type MessageKey, type Params, type Translate } from "~/i18n/i18n";
import { db } from "~/utils/db.server";
import { fields, msg, parseForm, translateError, type FieldErrors } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";
import { notFound } from "~/utils/http.server";

/** A rubric file is a few kilobytes; anything much larger is not one. */
const MAX_IMPORT_BYTES = 200_000;

const IntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("template"), templateId: fields.id() }),
  z.object({ intent: z.literal("saveTemplate"), templateName: fields.text(RUBRIC_LIMITS.nameLength) }),
  z.object({ intent: z.literal("import"), text: z.string().max(MAX_IMPORT_BYTES, msg("errors.tooLong", { max: MAX_IMPORT_BYTES })).optional() }),
], { error: msg("errors.badRequest") });

function campIdOf(params: LoaderFunctionArgs["params"]) {
  const id = fields.id().safeParse(params.campId);
  if (!id.success) notFound();
  return id.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  const role = await requireCampStaff(user, campId);
  const [camp, rubric, templates, locked, competencies] = await Promise.all([
    db.camp.findUnique({ where: { id: campId }, select: { id: true, offering: { select: { code: true, course: { select: { titleZh: true, titleEn: true } } } } } }),
    loadCampRubric(db, campId),
    listTemplates(db),
    rubricLocked(db, campId),
    activeCompetencies(),
  ]);
  if (!camp) notFound();
  const canEdit = role === "lead" && !locked;
  const draft = !canEdit ? null : rubric ? draftFromDocument((await rubricDocument(db, rubric.id))!) : emptyDraft(competencies[0]?.code ?? "");
  return json(
    { camp, rubric, templates, locked, isLead: role === "lead", canEdit, competencies, kept: keptCompetencies(rubric, competencies), draft },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** The competencies a criterion may assess: the active framework's, in its order. */
async function activeCompetencies() {
  return db.competency.findMany({
    where: { framework: { status: "active" } },
    orderBy: [{ sortOrder: "asc" }, { id: "asc" }],
    select: { code: true, nameZh: true, nameEn: true },
  });
}

/**
 * The competencies the camp's rubric assesses that the active framework lacks (the framework
 * changed after the rubric was written): its criteria may keep them (rubric-editor.ts).
 */
function keptCompetencies(rubric: Awaited<ReturnType<typeof loadCampRubric>>, active: { code: string }[]) {
  const activeCodes = new Set(active.map((c) => c.code));
  const kept = new Map<string, { code: string; nameZh: string; nameEn: string }>();
  for (const c of rubric?.criteria ?? []) if (!activeCodes.has(c.competency.code)) kept.set(c.competency.code, c.competency);
  return [...kept.values()];
}

type ActionData = {
  notice?: { key: MessageKey; params?: Params };
  error?: { key: string; params?: Params };
  fieldErrors?: FieldErrors;
  /** The editor's working copy after a structural intent or a refused save, shown again. */
  draft?: RubricDraft;
  /** Changes with every answer so the editor's fields show the returned draft. */
  revision?: number;
};

/** The editor's buttons: "save", or a structural intent such as "criterion.add" or "level.up.1.2". */
const EDITOR_INTENT = /^(save|criterion\.[a-z.0-9]+|level\.[a-z.0-9]+)$/;

/** A zod-style message ("key|{json params}", see msg()) as a key and its parameters. */
function messageOf(message: string): { key: string; params?: Params } {
  const [key, raw] = message.split("|", 2);
  try {
    return raw ? { key, params: JSON.parse(raw) as Params } : { key };
  } catch {
    return { key };
  }
}

/** The inline editor's answer: a structural change returns the new draft; "save" validates and replaces the rubric. */
async function editorAction(form: FormData, intent: string, campId: number, actorId: number) {
  const revision = Date.now();
  const draft = draftFromForm(form);
  if (await rubricLocked(db, campId)) return json<ActionData>({ error: { key: "grading.errors.rubricLocked" }, draft, revision }, { status: 409 });
  const [competencies, current] = await Promise.all([activeCompetencies(), loadCampRubric(db, campId)]);
  if (intent !== "save") {
    const next = applyIntent(draft, intent, competencies[0]?.code ?? "");
    if (!next) return json<ActionData>({ error: { key: "errors.badRequest" }, draft, revision }, { status: 400 });
    return json<ActionData>({ draft: next, revision });
  }
  const checked = checkDraft(
    draft,
    competencies.map((c) => c.code),
    keptCompetencies(current, competencies).map((c) => c.code),
  );
  if (!checked.ok) return json<ActionData>({ error: messageOf(checked.formError ?? "errors.form"), fieldErrors: checked.fieldErrors, draft, revision }, { status: 400 });
  await replaceCampRubric({ campId, actorId, rubric: checked.rubric, source: "editor" });
  return json<ActionData>({ notice: { key: "grading.rubric.replaced" }, revision });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const campId = campIdOf(params);
  await requireCampLead(user, campId);
  const form = await readFormData(request);
  try {
    const intent = form.get("intent");
    if (typeof intent === "string" && EDITOR_INTENT.test(intent)) return await editorAction(form, intent, campId, user.id);
    const parsed = parseForm(form, IntentSchema);
    if (!parsed.ok) return json<ActionData>({ error: { key: parsed.formError ?? "errors.form" }, fieldErrors: parsed.fieldErrors }, { status: 400 });
    if (parsed.data.intent === "saveTemplate") {
      await saveRubricAsTemplate({ campId, actorId: user.id, name: parsed.data.templateName });
      return json<ActionData>({ notice: { key: "grading.editor.templateSaved", params: { name: parsed.data.templateName } } });
    }
    if (parsed.data.intent === "template") {
      await copyTemplateRubric({ campId, actorId: user.id, templateId: parsed.data.templateId });
      return json<ActionData>({ notice: { key: "grading.rubric.replaced" } });
    }
    let text = parsed.data.text?.trim() ?? "";
    const file = form.get("file");
    if (file && typeof file !== "string" && file.size > 0) {
      if (file.size > MAX_IMPORT_BYTES) return json<ActionData>({ error: { key: "errors.tooLong", params: { max: MAX_IMPORT_BYTES } } }, { status: 400 });
      text = await file.text();
    }
    if (!text.trim()) return json<ActionData>({ error: { key: "grading.rubric.errors.empty" } }, { status: 400 });
    const rubric = parseRubricText(text);
    if (!rubric.ok) return json<ActionData>({ error: { key: rubric.error, params: rubric.params } }, { status: 400 });
    await replaceCampRubric({ campId, actorId: user.id, rubric: rubric.rubric, source: "import" });
    return json<ActionData>({ notice: { key: "grading.rubric.replaced" } });
  } catch (error) {
    // Every attempt lost a race: 503 errors.busy; the editor's draft comes back as it was sent.
    const intent = form.get("intent");
    const editor = typeof intent === "string" && EDITOR_INTENT.test(intent);
    const busy = busyActionResponse<ActionData>(error, editor ? { draft: draftFromForm(form), revision: Date.now() } : {});
    if (busy) return busy;
    if (isGradingError(error) || isEnrolmentError(error)) return json<ActionData>({ error: { key: error.code, params: error.params } }, { status: 400 });
    throw error;
  }
}

export default function CampRubric() {
  const { camp, rubric, templates, locked, isLead, canEdit, competencies, kept, draft } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, locale } = useT();
  const busy = navigation.state === "submitting";
  const course = camp.offering.course;
  const error = actionData?.error;
  return (
    <>
      <p className="back-link">
        <Link to="/trainer/grading">{t("grading.rubric.back")}</Link>
      </p>
      <h1 data-testid="page-title">
        {t("grading.rubric.title")} <span className="muted h1-sub">{locale === "en" ? course.titleEn : course.titleZh}</span>
      </h1>
      {actionData?.notice ? (
        <p className="alert alert--success" role="status">
          {t(actionData.notice.key, actionData.notice.params)}
        </p>
      ) : null}
      {error ? (
        <p className="alert alert--error" role="alert">
          {isMessageKey(error.key) ? t(error.key, error.params) : t("errors.invalid")}
        </p>
      ) : null}
      {locked ? <p className="alert alert--warning">{t("grading.rubric.locked")}</p> : null}

      {rubric ? (
        <section className="card" aria-labelledby="rubric-name">
          <h2 id="rubric-name">{rubric.name}</h2>
          <p className="muted small">{t("grading.rubric.total", { sum: rubric.criteria.reduce((s, c) => s + c.weight, 0) })}</p>
          <ol className="grading-rubric-list">
            {rubric.criteria.map((c) => (
              <li key={c.id}>
                <h3>
                  {criterionTitle(locale, c)} <span className="badge">{t("grading.screen.weight", { weight: c.weight })}</span>
                </h3>
                <p className="muted small">
                  {t("grading.rubric.competency", { name: competencyName(t, locale, c.competency, kept) })}
                  {c.description ? ` · ${criterionDescription(locale, c)}` : ""}
                </p>
                <ul className="grading-rubric-levels">
                  {c.levels.map((l) => (
                    <li key={l.id}>
                      <strong>{levelLabel(locale, l)}</strong> <span className="muted small">{t("grading.screen.levelPoints", { points: l.points })}</span>
                      {l.descriptor ? <span className="grading-level__descriptor small">{levelDescriptor(locale, l)}</span> : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <p className="button-row">
            <span>{t("grading.rubric.export")}:</span>
            <a href={`/trainer/camps/${camp.id}/rubric.json`}>{t("grading.rubric.exportJson")}</a>
            <a href={`/trainer/camps/${camp.id}/rubric.csv`}>{t("grading.rubric.exportCsv")}</a>
          </p>
        </section>
      ) : (
        <p className="muted">{t("grading.rubric.none")}</p>
      )}

      {canEdit && draft ? (
        <RubricEditor
          key={actionData?.revision ?? rubric?.id ?? 0}
          draft={actionData?.draft ?? draft}
          competencies={competencies}
          kept={kept}
          fieldErrors={actionData?.draft ? (actionData.fieldErrors ?? {}) : {}}
          busy={busy}
        />
      ) : null}

      {isLead && rubric ? (
        <section className="card" aria-labelledby="save-template-title">
          <h2 id="save-template-title">{t("grading.editor.saveTemplate")}</h2>
          <p className="muted small">{t("grading.editor.saveTemplateHint")}</p>
          <Form method="post" className="stack">
            <TextField
              name="templateName"
              label={t("grading.editor.templateName")}
              defaultValue={rubric.name}
              maxLength={RUBRIC_LIMITS.nameLength}
              required
              error={translateError(t, actionData?.fieldErrors?.templateName)}
            />
            <div>
              <button type="submit" name="intent" value="saveTemplate" className="button" disabled={busy}>
                {t("grading.editor.saveTemplate")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      {canEdit ? (
        <>
          <section className="card" aria-labelledby="template-title">
            <h2 id="template-title">{t("grading.rubric.template")}</h2>
            {templates.length === 0 ? (
              <p className="muted">{t("grading.rubric.noTemplates")}</p>
            ) : (
              <Form method="post" className="stack">
                <SelectField name="templateId" label={t("grading.rubric.templateLabel")} error={translateError(t, actionData?.fieldErrors?.templateId)}>
                  {templates.map((tpl) => (
                    <option key={tpl.id} value={tpl.id}>
                      {tpl.name}
                    </option>
                  ))}
                </SelectField>
                <div>
                  <button type="submit" name="intent" value="template" className="button" disabled={busy}>
                    {t("grading.rubric.copy")}
                  </button>
                </div>
              </Form>
            )}
          </section>
          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">{t("grading.rubric.import")}</h2>
            <p className="muted small">{t("grading.rubric.importHint")}</p>
            <Form method="post" encType="multipart/form-data" className="stack">
              <div className="field">
                <label htmlFor="rubric-file">{t("grading.rubric.importFile")}</label>
                <input id="rubric-file" type="file" name="file" accept=".json,.csv,application/json,text/csv" />
              </div>
              <div className="field">
                <label htmlFor="rubric-text">{t("grading.rubric.importText")}</label>
                <textarea id="rubric-text" name="text" rows={6} aria-invalid={actionData?.fieldErrors?.text ? true : undefined} />
                {actionData?.fieldErrors?.text ? <span className="field__error">{translateError(t, actionData.fieldErrors.text)}</span> : null}
              </div>
              <div>
                <button type="submit" name="intent" value="import" className="button button--primary" disabled={busy}>
                  {t("grading.rubric.importButton")}
                </button>
              </div>
            </Form>
          </section>
        </>
      ) : null}
    </>
  );
}

type Competency = { code: string; nameZh: string; nameEn: string };

/** A competency's name in the reader's language; one the active framework lacks says so. */
function competencyName(t: Translate, locale: Locale, competency: Competency, kept: Competency[]) {
  const name = locale === "en" ? competency.nameEn || competency.nameZh : competency.nameZh;
  return kept.some((k) => k.code === competency.code) ? t("grading.editor.inactiveCompetency", { name }) : name;
}

/**
 * The drop-down's choices for one criterion: the active framework's competencies, plus the one
 * it keeps from the saved rubric and the one it shows now when the active framework lacks them
 * — so the selected option is always the criterion's own and saving never switches it quietly.
 * A code nobody knows (a forged form shown back with its error) is listed by its code.
 */
function competencyOptions(t: Translate, locale: Locale, criterion: { competency: string; origin: string }, active: Competency[], kept: Competency[]) {
  const options = active.map((k) => ({ code: k.code, name: competencyName(t, locale, k, kept), inactive: false }));
  for (const code of new Set([criterion.origin, criterion.competency])) {
    if (!code || options.some((o) => o.code === code)) continue;
    const known = kept.find((k) => k.code === code) ?? { code, nameZh: code, nameEn: code };
    options.push({ code, name: t("grading.editor.inactiveCompetency", { name: locale === "en" ? known.nameEn || known.nameZh : known.nameZh }), inactive: true });
  }
  return options;
}

/**
 * The whole rubric as one form. Every button posts the form with its intent, so nothing typed
 * is lost when a criterion or level is added, moved or removed, with or without JavaScript.
 */
function RubricEditor({ draft, competencies, kept, fieldErrors, busy }: { draft: RubricDraft; competencies: Competency[]; kept: Competency[]; fieldErrors: FieldErrors; busy: boolean }) {
  const { t, locale } = useT();
  const err = (name: string) => translateError(t, fieldErrors[name]);
  const sum = draftWeightSum(draft);
  const count = draft.criteria.length;
  return (
    <section className="card" aria-labelledby="editor-title">
      <h2 id="editor-title">{t("grading.editor.title")}</h2>
      <p className="muted small">{t("grading.editor.hint")}</p>
      <p className="muted small">{t("grading.editor.englishHint")}</p>
      <Form method="post" className="stack rubric-editor" noValidate>
        {/* The first submit button is what Enter in a field presses: make that "save". */}
        <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1} aria-hidden="true">
          {t("grading.editor.save")}
        </button>
        <TextField name="name" label={t("grading.editor.name")} defaultValue={draft.name} maxLength={RUBRIC_LIMITS.nameLength} error={err("name")} />
        {draft.criteria.map((c, i) => {
          const n = i + 1;
          const options = competencyOptions(t, locale, c, competencies, kept);
          const keepsInactive = options.some((o) => o.inactive && o.code === c.competency);
          return (
            <fieldset key={i} className="rubric-editor__criterion" data-criterion-index={i}>
              <legend>{t("grading.editor.criterion", { n })}</legend>
              <input type="hidden" name={`c.${i}.origin`} value={c.origin} />
              <div className="rubric-editor__row">
                <TextField name={`c.${i}.title`} label={t("grading.editor.criterionTitle")} defaultValue={c.title} maxLength={RUBRIC_LIMITS.titleLength} error={err(`c.${i}.title`)} />
                <TextField
                  name={`c.${i}.titleEn`}
                  label={t("grading.editor.criterionTitleEn")}
                  lang="en"
                  defaultValue={c.titleEn}
                  maxLength={RUBRIC_LIMITS.titleLength}
                  error={err(`c.${i}.titleEn`)}
                />
              </div>
              <div className="rubric-editor__row">
                <SelectField
                  name={`c.${i}.competency`}
                  label={t("grading.editor.competency")}
                  defaultValue={c.competency}
                  hint={keepsInactive ? t("grading.editor.inactiveHint") : undefined}
                  error={err(`c.${i}.competency`)}
                >
                  {options.map((k) => (
                    <option key={k.code} value={k.code}>
                      {k.name}
                    </option>
                  ))}
                </SelectField>
                <TextField name={`c.${i}.weight`} label={t("grading.editor.weight")} defaultValue={c.weight} inputMode="numeric" size={4} error={err(`c.${i}.weight`)} />
              </div>
              <div className="rubric-editor__row">
                <EditorTextArea name={`c.${i}.description`} label={t("grading.editor.description")} defaultValue={c.description} error={err(`c.${i}.description`)} />
                <EditorTextArea name={`c.${i}.descriptionEn`} label={t("grading.editor.descriptionEn")} lang="en" defaultValue={c.descriptionEn} error={err(`c.${i}.descriptionEn`)} />
              </div>
              <fieldset className="rubric-editor__levels">
                <legend>{t("grading.editor.levels", { n })}</legend>
                {err(`c.${i}.levels`) ? (
                  <p className="field__error" role="alert">
                    {err(`c.${i}.levels`)}
                  </p>
                ) : null}
                {c.levels.map((l, j) => {
                  const m = j + 1;
                  const at = `c.${i}.l.${j}`;
                  return (
                    <div key={j} className="rubric-editor__level" role="group" aria-label={t("grading.editor.level", { n, m })}>
                      <div className="rubric-editor__row">
                        <TextField name={`${at}.label`} label={t("grading.editor.label", { m })} defaultValue={l.label} maxLength={RUBRIC_LIMITS.labelLength} error={err(`${at}.label`)} />
                        <TextField
                          name={`${at}.labelEn`}
                          label={t("grading.editor.labelEn", { m })}
                          lang="en"
                          defaultValue={l.labelEn}
                          maxLength={RUBRIC_LIMITS.labelLength}
                          error={err(`${at}.labelEn`)}
                        />
                        <TextField name={`${at}.points`} label={t("grading.editor.points")} defaultValue={l.points} inputMode="numeric" size={4} error={err(`${at}.points`)} />
                      </div>
                      <div className="rubric-editor__row">
                        <EditorTextArea name={`${at}.descriptor`} label={t("grading.editor.descriptor")} defaultValue={l.descriptor} error={err(`${at}.descriptor`)} />
                        <EditorTextArea name={`${at}.descriptorEn`} label={t("grading.editor.descriptorEn")} lang="en" defaultValue={l.descriptorEn} error={err(`${at}.descriptorEn`)} />
                      </div>
                      <p className="button-row">
                        <EditorButton intent={`level.up.${i}.${j}`} label={t("grading.editor.levelUp", { n, m })} disabled={busy || j === 0}>
                          {t("grading.editor.up")}
                        </EditorButton>
                        <EditorButton intent={`level.down.${i}.${j}`} label={t("grading.editor.levelDown", { n, m })} disabled={busy || j === c.levels.length - 1}>
                          {t("grading.editor.down")}
                        </EditorButton>
                        <EditorButton intent={`level.remove.${i}.${j}`} label={t("grading.editor.levelRemove", { n, m })} disabled={busy}>
                          {t("grading.editor.remove")}
                        </EditorButton>
                      </p>
                    </div>
                  );
                })}
                <EditorButton intent={`level.add.${i}`} label={t("grading.editor.addLevelTo", { n })} disabled={busy || c.levels.length >= RUBRIC_LIMITS.levels}>
                  {t("grading.editor.addLevel")}
                </EditorButton>
              </fieldset>
              <p className="button-row">
                <EditorButton intent={`criterion.up.${i}`} label={t("grading.editor.criterionUp", { n })} disabled={busy || i === 0}>
                  {t("grading.editor.up")}
                </EditorButton>
                <EditorButton intent={`criterion.down.${i}`} label={t("grading.editor.criterionDown", { n })} disabled={busy || i === count - 1}>
                  {t("grading.editor.down")}
                </EditorButton>
                <EditorButton intent={`criterion.remove.${i}`} label={t("grading.editor.criterionRemove", { n })} disabled={busy}>
                  {t("grading.editor.remove")}
                </EditorButton>
              </p>
            </fieldset>
          );
        })}
        <p className="muted small" aria-live="polite">
          {sum === null ? t("grading.editor.weightSumUnknown") : t("grading.editor.weightSum", { sum })}
        </p>
        <p className="button-row">
          <EditorButton intent="criterion.add" disabled={busy || count >= RUBRIC_LIMITS.criteria}>
            {t("grading.editor.addCriterion")}
          </EditorButton>
          <button type="submit" name="intent" value="save" className="button button--primary" disabled={busy}>
            {t("grading.editor.save")}
          </button>
        </p>
      </Form>
    </section>
  );
}

function EditorButton({ intent, label, disabled, children }: { intent: string; label?: string; disabled: boolean; children: string }) {
  return (
    <button type="submit" name="intent" value={intent} className="button" aria-label={label} disabled={disabled} formNoValidate>
      {children}
    </button>
  );
}

function EditorTextArea({ name, label, defaultValue, error, lang }: { name: string; label: string; defaultValue: string; error?: string; lang?: string }) {
  const id = `f-${name.replace(/\./g, "-")}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} name={name} rows={2} lang={lang} defaultValue={defaultValue} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error ? (
        <span id={`${id}-error`} className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
