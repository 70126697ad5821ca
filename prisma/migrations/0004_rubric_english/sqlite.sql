-- English texts for rubric criteria and levels ("" = fall back to the Chinese text).
-- ADD COLUMN with a constant default rewrites nothing, unlike Prisma's table redefinition,
-- and keeps the foreign keys of MarkScore untouched.
ALTER TABLE "RubricCriterion" ADD COLUMN "titleEn" TEXT NOT NULL DEFAULT '';
ALTER TABLE "RubricCriterion" ADD COLUMN "descriptionEn" TEXT NOT NULL DEFAULT '';
ALTER TABLE "RubricLevel" ADD COLUMN "labelEn" TEXT NOT NULL DEFAULT '';
ALTER TABLE "RubricLevel" ADD COLUMN "descriptorEn" TEXT NOT NULL DEFAULT '';
