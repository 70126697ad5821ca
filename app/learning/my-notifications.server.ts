// The reader's own notifications: a page of them newest first, the unread count, and marking
// them read. Every query is filtered by the reader's userId, so an id from someone else's
// list changes nothing.
import { parsePayload } from "~/notifications/payload";
import { db, type DbTx } from "~/utils/db.server";

export const NOTIFICATIONS_PER_PAGE = 30;

export async function listNotifications(userId: number, page = 1, client: DbTx = db) {
  const [rows, total, unread] = await Promise.all([
    client.notification.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * NOTIFICATIONS_PER_PAGE,
      take: NOTIFICATIONS_PER_PAGE,
      select: { id: true, kind: true, payload: true, readAt: true, createdAt: true },
    }),
    client.notification.count({ where: { userId } }),
    client.notification.count({ where: { userId, readAt: null } }),
  ]);
  return {
    // A payload this version cannot render (an unknown key, bad JSON) keeps its place in
    // the list with a generic text: key null.
    notifications: rows.map(({ payload, ...row }) => ({ ...row, message: parsePayload(payload) })),
    total,
    unread,
    pages: Math.max(1, Math.ceil(total / NOTIFICATIONS_PER_PAGE)),
  };
}

/** Marks one of the reader's notifications read (or all of them); returns how many changed. */
export async function markNotificationsRead(userId: number, notificationId: number | "all", now = new Date(), client: DbTx = db) {
  const { count } = await client.notification.updateMany({
    where: { userId, readAt: null, ...(notificationId === "all" ? {} : { id: notificationId }) },
    data: { readAt: now },
  });
  return count;
}
