-- AlterTable
ALTER TABLE "RubricCriterion" ADD COLUMN     "descriptionEn" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "titleEn" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "RubricLevel" ADD COLUMN     "descriptorEn" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "labelEn" TEXT NOT NULL DEFAULT '';

