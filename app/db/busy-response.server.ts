// What a page answers when its write lost every retry of inTransaction (TransactionBusyError):
// a 503 "busy, please try again", never a 500. Nothing was written — the transaction rolled
// back — so trying again is safe, and the form keeps what the person typed.
//
// One helper for every form action, so the status, the header and the message are the same on
// every page. Enrolment keeps its own wording (enrolment.errors.busy, through
// app/enrolment/transaction.server.ts) and project submission its own (camps.errors.busy): those
// name what collided; this one is for everything else.
import { json, type TypedResponse } from "@remix-run/node";
import type { MessageKey, Params } from "~/i18n/i18n";
import { TransactionBusyError } from "./transaction.server";

export const BUSY_MESSAGE_KEY = "errors.busy" satisfies MessageKey;

/** Colliding writers back off for milliseconds; a second is plenty and keeps clients polite. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

export function isTransactionBusy(error: unknown): error is TransactionBusyError {
  return error instanceof TransactionBusyError;
}

/** The form-error shape the career, credit-year and camp pages render: `t(error.key, error.params)`. */
export type BusyActionData = { error: { key: MessageKey; params?: Params } };

/**
 * For a form action's catch: the 503 answer when `error` is TransactionBusyError — the page's
 * own action data (which form, what was typed) plus `error: { key: "errors.busy" }`, which the
 * page translates into the reader's language like its other refusals — or null, so the caller
 * goes on to its own error handling.
 *
 *   } catch (error) {
 *     const busy = busyActionResponse(error, { intent });
 *     if (busy) return busy;
 *     …
 */
export function busyActionResponse<T extends object>(error: unknown, data: T): TypedResponse<T & BusyActionData> | null {
  if (!isTransactionBusy(error)) return null;
  return json({ ...data, error: { key: BUSY_MESSAGE_KEY } } as T & BusyActionData, {
    status: 503,
    headers: { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
  });
}

/**
 * For a loader whose read first writes (e.g. seeding defaults on first use): rethrows `error`,
 * as a 503 page (the error boundary's "busy, please try again") when every attempt lost.
 *
 *   const sets = await listRuleSets().catch(rethrowBusyAsPage);
 */
export function rethrowBusyAsPage(error: unknown): never {
  if (!isTransactionBusy(error)) throw error;
  throw new Response("Busy, please try again", {
    status: 503,
    headers: { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS), "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
