// In-app notifications. Written inside the transaction of the change they announce, so a
// rolled-back enrolment never leaves a "you're in" message behind. The payload is a message
// key with parameters (see payload.ts), so each reader sees it in their own language.
import type { DbTx } from "~/utils/db.server";
import type { MessageKey } from "~/i18n/i18n";
import { serializePayload, type MessageParams } from "./payload";

export type NotifyInput = ({ userId: number; personId?: never } | { personId: number; userId?: never }) & {
  /** A stable category for filtering and icons, e.g. "enrolment.confirmed". */
  kind: string;
  key: MessageKey;
  params?: MessageParams;
};

/**
 * Notifies a user, or the account of a person (User.personId). A person without an account
 * has nobody to tell: returns null and writes nothing.
 */
export async function notify(tx: DbTx, input: NotifyInput): Promise<{ id: number } | null> {
  let userId = input.userId;
  if (userId === undefined) {
    const user = await tx.user.findUnique({ where: { personId: input.personId }, select: { id: true } });
    if (!user) return null;
    userId = user.id;
  }
  return tx.notification.create({
    data: { userId, kind: input.kind, payload: serializePayload({ key: input.key, params: input.params ?? {} }) },
    select: { id: true },
  });
}
