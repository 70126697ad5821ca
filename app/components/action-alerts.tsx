// The answer to a form's submit above or beside the form: what was done (a status) and what
// was refused (an alert). The action returns message keys; the words are the reader's.
import { useT, type MessageKey, type Params } from "~/i18n/i18n";
import { translateError } from "~/utils/forms";

export type ActionNotice = { key: MessageKey; params?: Params };

export function ActionAlerts({
  notice,
  formError,
  translate,
}: {
  notice?: ActionNotice;
  formError?: string;
  /** How the refusal is put into words; translateError unless the domain has its own. */
  translate?: (message: string) => string | undefined;
}) {
  const { t } = useT();
  return (
    <>
      {notice ? (
        <p className="alert alert--success" role="status">
          {t(notice.key, notice.params)}
        </p>
      ) : null}
      {formError ? (
        <p className="alert alert--error" role="alert">
          {translate ? translate(formError) : translateError(t, formError)}
        </p>
      ) : null}
    </>
  );
}
