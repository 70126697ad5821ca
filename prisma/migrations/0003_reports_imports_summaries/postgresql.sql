-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "prefix" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "revokedById" INTEGER;

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "CreditSummary" (
    "personId" INTEGER NOT NULL,
    "creditYear" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CreditSummary_pkey" PRIMARY KEY ("personId","creditYear","category")
);

-- CreateTable
CREATE TABLE "CreditCompetencySummary" (
    "personId" INTEGER NOT NULL,
    "creditYear" INTEGER NOT NULL,
    "competencyId" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "CreditCompetencySummary_pkey" PRIMARY KEY ("personId","creditYear","competencyId")
);

-- CreateTable
CREATE TABLE "TranscriptIssue" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "fromYear" INTEGER NOT NULL,
    "toYear" INTEGER NOT NULL,
    "contents" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "issuedById" INTEGER,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "TranscriptIssue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedReport" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "definition" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportBatch" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "storedName" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "fileBytes" INTEGER NOT NULL,
    "encoding" TEXT NOT NULL,
    "mapping" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'uploaded',
    "rowCount" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "createdCount" INTEGER NOT NULL DEFAULT 0,
    "updatedCount" INTEGER NOT NULL DEFAULT 0,
    "unchangedCount" INTEGER NOT NULL DEFAULT 0,
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "errorSummary" TEXT,
    "scopeUnitId" INTEGER,
    "createdById" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committedAt" TIMESTAMP(3),

    CONSTRAINT "ImportBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CreditSummary_creditYear_category_idx" ON "CreditSummary"("creditYear", "category");

-- CreateIndex
CREATE INDEX "CreditCompetencySummary_creditYear_competencyId_idx" ON "CreditCompetencySummary"("creditYear", "competencyId");

-- CreateIndex
CREATE UNIQUE INDEX "TranscriptIssue_code_key" ON "TranscriptIssue"("code");

-- CreateIndex
CREATE INDEX "TranscriptIssue_personId_idx" ON "TranscriptIssue"("personId");

-- CreateIndex
CREATE INDEX "SavedReport_ownerId_idx" ON "SavedReport"("ownerId");

-- CreateIndex
CREATE INDEX "ImportBatch_createdAt_idx" ON "ImportBatch"("createdAt");

-- CreateIndex
CREATE INDEX "ImportBatch_kind_fileSha256_idx" ON "ImportBatch"("kind", "fileSha256");


-- Credit summaries are kept by the database itself: every ledger insert, whichever code
-- path makes it (awards, reversals, imports), adds to its person/year/category row in the
-- same transaction. Ledger rows are append-only, so inserts are the only case to handle.
-- `npm run ledger:verify` recomputes both tables from the entries.
CREATE FUNCTION "lane_ledger_summary"() RETURNS trigger AS $$
BEGIN
  INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries")
  VALUES (NEW."personId", NEW."creditYear", NEW."category", NEW."amount", 1)
  ON CONFLICT ("personId", "creditYear", "category")
  DO UPDATE SET "amount" = "CreditSummary"."amount" + EXCLUDED."amount",
                "entries" = "CreditSummary"."entries" + 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER "LedgerEntry_summary" AFTER INSERT ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "lane_ledger_summary"();

CREATE FUNCTION "lane_ledger_competency_summary"() RETURNS trigger AS $$
BEGIN
  INSERT INTO "CreditCompetencySummary" ("personId", "creditYear", "competencyId", "amount")
  SELECT e."personId", e."creditYear", NEW."competencyId", NEW."amount"
  FROM "LedgerEntry" e WHERE e."id" = NEW."entryId"
  ON CONFLICT ("personId", "creditYear", "competencyId")
  DO UPDATE SET "amount" = "CreditCompetencySummary"."amount" + EXCLUDED."amount";
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER "LedgerCompetency_summary" AFTER INSERT ON "LedgerCompetency"
  FOR EACH ROW EXECUTE FUNCTION "lane_ledger_competency_summary"();

-- Existing installs: build the summaries from the entries already there.
INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries")
SELECT "personId", "creditYear", "category", SUM("amount"), COUNT(*)
FROM "LedgerEntry" GROUP BY "personId", "creditYear", "category";
INSERT INTO "CreditCompetencySummary" ("personId", "creditYear", "competencyId", "amount")
SELECT e."personId", e."creditYear", c."competencyId", SUM(c."amount")
FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId"
GROUP BY e."personId", e."creditYear", c."competencyId";

-- The grade history of camp projects is append-only like the ledger and the audit log.
CREATE TRIGGER "MarkEvent_append_only" BEFORE UPDATE OR DELETE ON "MarkEvent"
  FOR EACH ROW EXECUTE FUNCTION "lane_refuse_change"();
CREATE TRIGGER "MarkEvent_no_truncate" BEFORE TRUNCATE ON "MarkEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "lane_refuse_change"();
