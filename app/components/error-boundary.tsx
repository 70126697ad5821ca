import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/i18n";
import type { MessageKey } from "~/i18n/zh-CN";

// 503: a write that lost every retry (app/db/busy-response.server.ts) — "try again", not "we broke".
const KNOWN = [400, 401, 403, 404, 503] as const;

/**
 * The one error page of the app: a helpful message per status, never a stack trace. Used
 * by the root and by every route that has its own ErrorBoundary.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  const root = useRouteLoaderData("root") as { requestId?: string | null } | undefined;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const kind = (KNOWN as readonly number[]).includes(status) ? status : 500;
  const title = t(`errorPage.${kind}.title` as MessageKey);
  const body = t(`errorPage.${kind}.body` as MessageKey);
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title" data-testid="page-title">
        {title}
      </h1>
      <p>{body}</p>
      {kind === 500 && root?.requestId ? <p className="muted">{t("errorPage.requestId", { id: root.requestId })}</p> : null}
      <p>
        <Link to="/">{t("errorPage.goHome")}</Link>
      </p>
    </section>
  );
}
