import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/auth/guards.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Pagination } from "~/components/pagination";
import { useT } from "~/i18n/i18n";
import { listNotifications, markNotificationsRead } from "~/learning/my-notifications.server";
import { notificationText } from "~/learning/notification-text";
import { fields, msg, parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/form-data.server";

export const meta: MetaFunction = () => [{ title: "通知 · 小巷学院 Lane Academy" }];

const PageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

const MarkReadSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("read-all") }),
    z.object({ intent: z.literal("read"), notificationId: fields.id() }),
  ],
  { error: msg("errors.invalidChoice") },
);

// Notifications belong to an account, whatever its role: anyone signed in reads their own.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const page = PageSchema.parse(new URL(request.url).searchParams.get("page") ?? 1);
  const list = await listNotifications(user.id, page);
  return json({ ...list, page, isLearner: user.role === "learner" }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseForm(await readFormData(request), MarkReadSchema);
  if (!parsed.ok) {
    return json({ fieldErrors: parsed.fieldErrors, formError: parsed.formError ?? msg("errors.badRequest") }, { status: 400 });
  }
  await markNotificationsRead(user.id, parsed.data.intent === "read-all" ? "all" : parsed.data.notificationId);
  // Back to the same page of the list, so a refresh doesn't post again.
  const url = new URL(request.url);
  return redirect(url.pathname + url.search);
}

export default function NotificationsPage() {
  const { notifications, unread, page, pages, isLearner } = useLoaderData<typeof loader>();
  const { t, locale, dateTime } = useT();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formMethod === "POST";
  return (
    <div className="my-notifications">
      {isLearner ? (
        <p className="back-link">
          <Link to="/my">{t("learning.back")}</Link>
        </p>
      ) : null}
      <div className="my-notifications__head">
        <h1 data-testid="page-title">{t("learning.notifications.title")}</h1>
        <p className="muted" data-testid="unread-count">
          {unread > 0 ? t("learning.notifications.unreadCount", { count: unread }) : t("learning.notifications.allRead")}
        </p>
      </div>
      {unread > 0 ? (
        <Form method="post" className="my-notifications__all">
          <button type="submit" name="intent" value="read-all" className="button button--primary" disabled={busy}>
            {t("learning.notifications.markAll")}
          </button>
        </Form>
      ) : null}
      {notifications.length === 0 ? (
        <p className="card muted">{t("learning.notifications.empty")}</p>
      ) : (
        <ol className="notice-list">
          {notifications.map((n) => {
            const unreadItem = n.readAt === null;
            return (
              <li key={n.id} className={unreadItem ? "notice notice--unread" : "notice"} data-testid="notification">
                <p className="notice__text">
                  {unreadItem ? <span className="visually-hidden">{t("learning.notifications.unread")}: </span> : null}
                  {notificationText(t, locale, n.message)}
                </p>
                <div className="notice__meta">
                  <time dateTime={n.createdAt} className="muted small">
                    {dateTime(n.createdAt)}
                  </time>
                  {unreadItem ? (
                    <Form method="post">
                      <input type="hidden" name="notificationId" value={n.id} />
                      <button type="submit" name="intent" value="read" className="link-button notice__mark" disabled={busy}>
                        {t("learning.notifications.markRead")}
                      </button>
                    </Form>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <Pagination page={page} pages={pages} params={{}} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
