-- DropIndex
DROP INDEX "Offering_courseId_idx";

-- CreateIndex
CREATE INDEX "Offering_courseId_status_endsAt_idx" ON "Offering"("courseId", "status", "endsAt");

-- CreateIndex
CREATE INDEX "Offering_status_endsAt_idx" ON "Offering"("status", "endsAt");

