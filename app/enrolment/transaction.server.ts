// Running enrolment writes: one interactive transaction per attempt, retried when the
// database says two writers collided (the shared wrapper, app/db/transaction.server.ts).
// Correctness never rests on isolation: every seat and waiting-list change is a conditional
// UPDATE on the Offering row and every enrolment is unique per (offering, person). Many
// learners press "enrol" at the same moment when a popular class opens; when every attempt
// lost, the learner is told enrolment.errors.busy ("try again"), a 503.
import { inTransaction as inRetriedTransaction, TransactionBusyError } from "~/db/transaction.server";
import type { DbTx } from "~/utils/db.server";
import { ENROLMENT_ERRORS, EnrolmentError } from "./errors";

export { ConcurrentChange, isUniqueViolation, TRANSACTION_OPTIONS } from "~/db/transaction.server";

export async function inTransaction<T>(work: (tx: DbTx) => Promise<T>): Promise<T> {
  try {
    return await inRetriedTransaction(work);
  } catch (error) {
    if (error instanceof TransactionBusyError) throw new EnrolmentError(ENROLMENT_ERRORS.busy);
    throw error;
  }
}
