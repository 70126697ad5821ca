// The rubric document's English texts: written to JSON and CSV on every export, read back
// exactly, optional on import (files from before they existed still import, with ""), held to
// the Chinese fields' limits; and the one rule that picks a text for the reader.
import { describe, expect, it } from "vitest";
import { parseRubricCsv, parseRubricJson, parseRubricText, RUBRIC_CSV_HEADER, RUBRIC_LIMITS, rubricToCsv, rubricToJson, type RubricDocument } from "./rubric-format";
import { criterionDescription, criterionTitle, levelDescriptor, levelLabel, rubricText } from "./rubric-text";

const BILINGUAL: RubricDocument = {
  name: "社区项目评分",
  criteria: [
    {
      title: "问题与背景分析",
      titleEn: "Problem and background",
      description: "居民诉求、数据和声音",
      descriptionEn: "Residents' needs, data, voices, \"quoted\", with, commas",
      competency: "residents",
      weight: 60,
      levels: [
        { label: "优秀", labelEn: "Excellent", descriptor: "完整、有说服力", descriptorEn: "=Complete, convincing", points: 100 },
        { label: "待改进", labelEn: "", descriptor: "缺少要件", descriptorEn: "line one\nline two", points: 30 },
      ],
    },
    {
      title: "预算",
      titleEn: "",
      description: "",
      descriptionEn: "",
      competency: "services",
      weight: 40,
      levels: [
        { label: "合格", labelEn: "Pass", descriptor: "", descriptorEn: "", points: 60 },
        { label: "不合格", labelEn: "Fail", descriptor: "", descriptorEn: "", points: 0 },
      ],
    },
  ],
};

/** The same rubric as a file written before the English texts existed. */
const OLD_JSON = JSON.stringify({
  name: "社区项目评分",
  criteria: [
    { title: "问题与背景分析", description: "居民诉求", competency: "residents", weight: 60, levels: [{ label: "优秀", descriptor: "完整", points: 100 }, { label: "待改进", points: 30 }] },
    { title: "预算", competency: "services", weight: 40, levels: [{ label: "合格", points: 60 }, { label: "不合格", points: 0 }] },
  ],
});
const OLD_CSV =
  "\uFEFFrubric,criterion,criterion_description,competency,weight,level,level_descriptor,points\r\n" +
  "社区项目评分,问题与背景分析,居民诉求,residents,60,优秀,完整,100\r\n" +
  "社区项目评分,问题与背景分析,居民诉求,residents,60,待改进,,30\r\n" +
  "社区项目评分,预算,,services,40,合格,,60\r\n" +
  "社区项目评分,预算,,services,40,不合格,,0\r\n";

describe("the rubric document's English texts", () => {
  it("round-trip through JSON and CSV, field by field", () => {
    const json = rubricToJson(BILINGUAL);
    expect(JSON.parse(json).criteria[0]).toMatchObject({ titleEn: "Problem and background", levels: [{ labelEn: "Excellent" }, { labelEn: "" }] });
    expect(parseRubricJson(json)).toEqual({ ok: true, rubric: BILINGUAL });
    const csv = rubricToCsv(BILINGUAL);
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe(RUBRIC_CSV_HEADER.map((h) => `"${h}"`).join(","));
    expect(RUBRIC_CSV_HEADER).toEqual(expect.arrayContaining(["criterion_en", "criterion_description_en", "level_en", "level_descriptor_en"]));
    // A text that starts like a formula is guarded in the CSV and read back as typed.
    expect(csv).toContain("\"'=Complete, convincing\"");
    expect(parseRubricCsv(csv)).toEqual({ ok: true, rubric: BILINGUAL });
    expect(parseRubricText(csv)).toEqual({ ok: true, rubric: BILINGUAL });
  });

  it("are optional on import: files written before them still import, with empty English texts", () => {
    const expected = {
      name: "社区项目评分",
      criteria: [
        {
          title: "问题与背景分析",
          titleEn: "",
          description: "居民诉求",
          descriptionEn: "",
          competency: "residents",
          weight: 60,
          levels: [
            { label: "优秀", labelEn: "", descriptor: "完整", descriptorEn: "", points: 100 },
            { label: "待改进", labelEn: "", descriptor: "", descriptorEn: "", points: 30 },
          ],
        },
        {
          title: "预算",
          titleEn: "",
          description: "",
          descriptionEn: "",
          competency: "services",
          weight: 40,
          levels: [
            { label: "合格", labelEn: "", descriptor: "", descriptorEn: "", points: 60 },
            { label: "不合格", labelEn: "", descriptor: "", descriptorEn: "", points: 0 },
          ],
        },
      ],
    };
    expect(parseRubricJson(OLD_JSON)).toEqual({ ok: true, rubric: expected });
    expect(parseRubricCsv(OLD_CSV)).toEqual({ ok: true, rubric: expected });
    // Exported again, the old rubric gets every English column (empty).
    expect(rubricToCsv(expected).split("\r\n")[0]).toContain('"level_descriptor_en"');
    // Only the English columns may be missing: a file without a Chinese column is refused.
    expect(parseRubricCsv(OLD_CSV.replace("level_descriptor,", "")).ok).toBe(false);
  });

  it("are held to the Chinese fields' limits and trimmed", () => {
    const long = structuredClone(BILINGUAL);
    long.criteria[0].titleEn = "x".repeat(RUBRIC_LIMITS.titleLength + 1);
    expect(parseRubricJson(JSON.stringify(long))).toMatchObject({ ok: false, error: "grading.rubric.errors.invalid", params: { path: "criteria.0.titleEn" } });
    const longLevel = structuredClone(BILINGUAL);
    longLevel.criteria[1].levels[0].descriptorEn = "y".repeat(RUBRIC_LIMITS.descriptorLength + 1);
    expect(parseRubricJson(JSON.stringify(longLevel))).toMatchObject({ ok: false, params: { path: "criteria.1.levels.0.descriptorEn" } });
    const spaced = structuredClone(BILINGUAL);
    spaced.criteria[0].levels[0].labelEn = "  Excellent  ";
    const parsed = parseRubricJson(JSON.stringify(spaced));
    expect(parsed.ok && parsed.rubric.criteria[0].levels[0].labelEn).toBe("Excellent");
  });
});

describe("the reader's text", () => {
  const criterion = BILINGUAL.criteria[0];
  const untranslated = BILINGUAL.criteria[1];

  it("is the English one for an English reader when it was written, else the Chinese, field by field", () => {
    expect(criterionTitle("en", criterion)).toBe("Problem and background");
    expect(criterionTitle("zh-CN", criterion)).toBe("问题与背景分析");
    expect(criterionTitle("en", untranslated)).toBe("预算");
    expect(criterionDescription("en", criterion)).toBe(criterion.descriptionEn);
    expect(levelLabel("en", criterion.levels[0])).toBe("Excellent");
    expect(levelLabel("en", criterion.levels[1])).toBe("待改进");
    expect(levelDescriptor("en", criterion.levels[1])).toBe("line one\nline two");
    expect(levelDescriptor("zh-CN", criterion.levels[0])).toBe("完整、有说服力");
    // Blank English counts as none.
    expect(rubricText("en", "中文", "   ")).toBe("中文");
  });
});
