-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "CreditSummary" (
    "personId" INTEGER NOT NULL,
    "creditYear" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "entries" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("personId", "creditYear", "category")
);

-- CreateTable
CREATE TABLE "CreditCompetencySummary" (
    "personId" INTEGER NOT NULL,
    "creditYear" INTEGER NOT NULL,
    "competencyId" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,

    PRIMARY KEY ("personId", "creditYear", "competencyId")
);

-- CreateTable
CREATE TABLE "TranscriptIssue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "fromYear" INTEGER NOT NULL,
    "toYear" INTEGER NOT NULL,
    "contents" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "issuedById" INTEGER,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "SavedReport" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "definition" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ImportBatch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scopeUnitId" INTEGER NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "createdById" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "revokedById" INTEGER,
    CONSTRAINT "ApiToken_scopeUnitId_fkey" FOREIGN KEY ("scopeUnitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ApiToken" ("createdAt", "createdById", "id", "lastUsedAt", "name", "revokedAt", "scopeUnitId", "tokenHash") SELECT "createdAt", "createdById", "id", "lastUsedAt", "name", "revokedAt", "scopeUnitId", "tokenHash" FROM "ApiToken";
DROP TABLE "ApiToken";
ALTER TABLE "new_ApiToken" RENAME TO "ApiToken";
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
CREATE TRIGGER "LedgerEntry_summary" AFTER INSERT ON "LedgerEntry"
BEGIN
  INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries")
  VALUES (NEW."personId", NEW."creditYear", NEW."category", NEW."amount", 1)
  ON CONFLICT ("personId", "creditYear", "category")
  DO UPDATE SET "amount" = "amount" + excluded."amount", "entries" = "entries" + 1;
END;
CREATE TRIGGER "LedgerCompetency_summary" AFTER INSERT ON "LedgerCompetency"
BEGIN
  INSERT INTO "CreditCompetencySummary" ("personId", "creditYear", "competencyId", "amount")
  SELECT e."personId", e."creditYear", NEW."competencyId", NEW."amount"
  FROM "LedgerEntry" e WHERE e."id" = NEW."entryId"
  ON CONFLICT ("personId", "creditYear", "competencyId")
  DO UPDATE SET "amount" = "amount" + excluded."amount";
END;

-- Existing installs: build the summaries from the entries already there.
INSERT INTO "CreditSummary" ("personId", "creditYear", "category", "amount", "entries")
SELECT "personId", "creditYear", "category", SUM("amount"), COUNT(*)
FROM "LedgerEntry" WHERE 1 GROUP BY "personId", "creditYear", "category";
INSERT INTO "CreditCompetencySummary" ("personId", "creditYear", "competencyId", "amount")
SELECT e."personId", e."creditYear", c."competencyId", SUM(c."amount")
FROM "LedgerCompetency" c JOIN "LedgerEntry" e ON e."id" = c."entryId"
WHERE 1 GROUP BY e."personId", e."creditYear", c."competencyId";

-- The grade history of camp projects is append-only like the ledger and the audit log.
CREATE TRIGGER "MarkEvent_append_only_update" BEFORE UPDATE ON "MarkEvent"
BEGIN SELECT RAISE(ABORT, 'append-only: MarkEvent rows cannot be updated'); END;
CREATE TRIGGER "MarkEvent_append_only_delete" BEFORE DELETE ON "MarkEvent"
BEGIN SELECT RAISE(ABORT, 'append-only: MarkEvent rows cannot be deleted'); END;
