// The verification-code form of the public pages (/verify and an unknown /verify/:code): a GET
// to /verify, which sends a well-formed code on to /verify/<code>.
import { Form } from "@remix-run/react";
import { TextField } from "~/components/fields";
import { useT } from "~/i18n/i18n";

/** The code form, also shown under "unknown code" on /verify/:code. */
export function VerifyCodeForm({ typed = "", invalid = false }: { typed?: string; invalid?: boolean }) {
  const { t } = useT();
  return (
    <Form method="get" action="/verify" className="card verify__form">
      <p className="muted small">{t("documents.verify.formIntro")}</p>
      <TextField
        label={t("documents.verify.codeLabel")}
        name="code"
        defaultValue={typed}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={64}
        required
        error={invalid ? t("documents.verify.invalidCode") : undefined}
      />
      <div className="button-row">
        <button type="submit" className="button button--primary">
          {t("documents.verify.check")}
        </button>
      </div>
    </Form>
  );
}

