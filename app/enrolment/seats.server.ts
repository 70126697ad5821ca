// Seats and the waiting list of one class, kept by conditional UPDATEs on its Offering row
// (docs/data-model.md, "Where the rules are enforced"):
// - a seat is taken by `seatsTaken = seatsTaken + 1 WHERE seatsTaken < capacity`, which on
//   PostgreSQL waits for any other writer of that row and then re-checks the condition on the
//   committed value, so no interleaving of instances can oversell;
// - a waiting-list number is `waitlistSeq = waitlistSeq + 1`, handed out under the same row
//   lock, so numbers follow arrival order and a rolled-back attempt gives its number back.
// On SQLite the transactions of the one connection run one after another (ADR 003); the
// same statements are simply uncontended there.
import type { DbTx } from "~/utils/db.server";

/** Takes a free seat if there is one. */
export async function claimSeat(tx: DbTx, offeringId: number): Promise<boolean> {
  const { count } = await tx.offering.updateMany({
    where: { id: offeringId, seatsTaken: { lt: tx.offering.fields.capacity } },
    data: { seatsTaken: { increment: 1 } },
  });
  return count === 1;
}

/** Gives a seat back (never below zero). Call fillFreeSeats afterwards to pass it on. */
export async function releaseSeat(tx: DbTx, offeringId: number): Promise<void> {
  await tx.offering.updateMany({ where: { id: offeringId, seatsTaken: { gt: 0 } }, data: { seatsTaken: { decrement: 1 } } });
}

export type Placement = { seat: true } | { seat: false; waitlistNo: number };

/** A seat, or else the next waiting-list number. */
export async function seatOrWaitlist(tx: DbTx, offeringId: number): Promise<Placement> {
  if (await claimSeat(tx, offeringId)) return { seat: true };
  const row = await tx.offering.update({
    where: { id: offeringId },
    data: { waitlistSeq: { increment: 1 } },
    select: { waitlistSeq: true, seatsTaken: true, capacity: true },
  });
  // The increment holds the row lock and saw the latest seat count. If a seat came free
  // between the two statements (a withdrawal with nobody waiting), take it and hand the
  // number back, so nobody waits beside an empty seat and the numbers stay contiguous.
  if (row.seatsTaken < row.capacity) {
    await tx.offering.update({
      where: { id: offeringId },
      data: { seatsTaken: { increment: 1 }, waitlistSeq: { decrement: 1 } },
      select: { id: true },
    });
    return { seat: true };
  }
  return { seat: false, waitlistNo: row.waitlistSeq };
}

/**
 * Moves waiting people into free seats, lowest waitlistNo first, until the class is full or
 * nobody waits. Run in the transaction that freed the seat (withdrawal, move) or raised the
 * capacity. Returns the promoted enrolments in promotion order.
 */
export async function fillFreeSeats(tx: DbTx, offeringId: number): Promise<{ enrolmentId: number; personId: number }[]> {
  const promoted: { enrolmentId: number; personId: number }[] = [];
  for (;;) {
    const next = await tx.enrolment.findFirst({
      where: { offeringId, status: "waitlisted" },
      orderBy: [{ waitlistNo: "asc" }, { id: "asc" }],
      select: { id: true, personId: true },
    });
    if (!next) break;
    if (!(await claimSeat(tx, offeringId))) break;
    const { count } = await tx.enrolment.updateMany({ where: { id: next.id, status: "waitlisted" }, data: { status: "enrolled" } });
    if (count === 0) {
      // They withdrew while we looked: the seat goes to the next in line.
      await releaseSeat(tx, offeringId);
      continue;
    }
    promoted.push({ enrolmentId: next.id, personId: next.personId });
  }
  return promoted;
}

/** 1 for the first person waiting, or null when the enrolment isn't on the waiting list. */
export async function waitlistPosition(tx: DbTx, enrolmentId: number): Promise<number | null> {
  const row = await tx.enrolment.findUnique({
    where: { id: enrolmentId },
    select: { offeringId: true, status: true, waitlistNo: true },
  });
  if (!row || row.status !== "waitlisted" || row.waitlistNo === null) return null;
  const ahead = await tx.enrolment.count({
    where: { offeringId: row.offeringId, status: "waitlisted", waitlistNo: { lt: row.waitlistNo } },
  });
  return ahead + 1;
}
