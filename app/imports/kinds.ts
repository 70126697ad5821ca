// What HR can import, and the columns each kind understands (client-safe: the mapping form
// lists them). HR systems export with their own headers, in Chinese or English, so each
// field has aliases; the automatic mapping matches them after normalising (case, spaces,
// punctuation), and HR can correct it before the dry run.
import type { MessageKey } from "~/i18n/zh-CN";

/** One file, one kind. */
export const IMPORT_KINDS = ["people", "grades", "credits", "units", "postTypes"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === "string" && (IMPORT_KINDS as readonly string[]).includes(value);
}

/**
 * Post types are ladder policy, which only administrators edit (/admin/ladder): only they
 * import them. Everything else HR imports within its units.
 */
const ADMIN_ONLY_KINDS: readonly ImportKind[] = ["postTypes"];
export function kindAllowed(role: string, kind: ImportKind): boolean {
  return role === "admin" || (role === "hr" && !ADMIN_ONLY_KINDS.includes(kind));
}
export function kindsFor(role: string): ImportKind[] {
  return IMPORT_KINDS.filter((kind) => kindAllowed(role, kind));
}

/** Refused while streaming: the part stops at this many bytes. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** One transaction holds the SQLite connection (ADR 003): bigger files are refused, split them. */
export const MAX_IMPORT_ROWS = 20_000;
/** The form field that carries the file. */
export const IMPORT_FILE_FIELD = "file";
/** Row errors kept with a batch and shown in the preview; the count covers all of them. */
export const MAX_STORED_ROW_ERRORS = 500;

export type FieldDef = { key: string; required: boolean; aliases: readonly string[] };

const PERSON_KEY: FieldDef = { key: "employeeNo", required: true, aliases: ["工号", "员工编号", "人员编号", "职工号", "编号", "employee no", "employee number", "employeeno", "staff no"] };

export const IMPORT_FIELDS: Record<ImportKind, readonly FieldDef[]> = {
  people: [
    PERSON_KEY,
    { key: "name", required: true, aliases: ["姓名", "名字", "name", "full name"] },
    { key: "unit", required: true, aliases: ["单位", "单位编码", "单位代码", "所属单位", "居民区", "部门", "unit", "unit code", "organisation", "organization"] },
    { key: "postType", required: true, aliases: ["岗位", "岗位类别", "岗位类型", "岗位类别代码", "post", "post type", "posttype"] },
    { key: "grade", required: false, aliases: ["等级", "岗位等级", "级别", "薪级", "grade", "level"] },
    { key: "hiredOn", required: true, aliases: ["入职日期", "入职时间", "参加工作时间", "聘用日期", "hired on", "hire date", "hiredon", "start date"] },
    { key: "secretarySince", required: false, aliases: ["任书记时间", "书记任职日期", "任职书记日期", "secretary since", "secretarysince"] },
    { key: "education", required: true, aliases: ["学历", "最高学历", "文化程度", "education"] },
    { key: "socialWorkCert", required: false, aliases: ["社工证", "社工资格", "社会工作者职业资格", "职业资格", "certificate", "social work certificate", "socialworkcert"] },
    { key: "gender", required: false, aliases: ["性别", "gender", "sex"] },
    { key: "birthYear", required: false, aliases: ["出生年份", "出生年", "出生日期", "birth year", "birthyear", "date of birth"] },
    { key: "phone", required: false, aliases: ["电话", "手机", "手机号", "联系电话", "phone", "mobile"] },
    { key: "email", required: false, aliases: ["邮箱", "电子邮箱", "电子邮件", "email", "e-mail"] },
  ],
  grades: [
    PERSON_KEY,
    { key: "grade", required: true, aliases: ["等级", "岗位等级", "级别", "薪级", "grade", "level"] },
    { key: "postType", required: false, aliases: ["岗位", "岗位类别", "岗位类型", "post", "post type", "posttype"] },
    { key: "effectiveFrom", required: true, aliases: ["生效日期", "定级日期", "起始日期", "effective from", "effectivefrom", "date"] },
    { key: "note", required: false, aliases: ["备注", "说明", "note", "notes", "remark"] },
  ],
  credits: [
    PERSON_KEY,
    { key: "creditYear", required: true, aliases: ["年度", "学分年度", "年份", "year", "credit year", "credityear"] },
    { key: "points", required: true, aliases: ["学分", "积分", "分值", "points", "credits", "amount"] },
    { key: "category", required: true, aliases: ["类别", "学分类别", "类型", "category", "type"] },
    { key: "competency", required: true, aliases: ["素养", "能力", "能力素养", "competency", "competence"] },
    { key: "date", required: false, aliases: ["日期", "获得日期", "培训日期", "date", "awarded on"] },
    { key: "note", required: false, aliases: ["备注", "说明", "培训名称", "项目", "note", "notes", "title"] },
  ],
  units: [
    { key: "code", required: true, aliases: ["单位编码", "单位代码", "编码", "代码", "机构代码", "code", "unit code", "unitcode"] },
    { key: "name", required: true, aliases: ["单位名称", "名称", "中文名称", "单位", "name", "unit name", "name zh"] },
    { key: "nameEn", required: false, aliases: ["英文名称", "英文名", "english name", "name en", "nameen"] },
    { key: "kind", required: true, aliases: ["类型", "层级", "单位类型", "单位层级", "级别", "kind", "type", "level"] },
    { key: "parent", required: false, aliases: ["上级单位编码", "上级单位代码", "上级编码", "上级单位", "上级", "parent", "parent code", "parentcode"] },
  ],
  postTypes: [
    { key: "code", required: true, aliases: ["岗位代码", "岗位编码", "代码", "编码", "code", "post code", "postcode"] },
    { key: "name", required: true, aliases: ["岗位名称", "岗位类别", "名称", "中文名称", "name", "post name", "name zh"] },
    { key: "nameEn", required: false, aliases: ["英文名称", "英文名", "english name", "name en", "nameen"] },
    { key: "minGrade", required: true, aliases: ["最低等级", "起始等级", "最低级", "min grade", "mingrade", "lowest grade", "from grade"] },
    { key: "maxGrade", required: true, aliases: ["最高等级", "最高级", "max grade", "maxgrade", "highest grade", "to grade"] },
    { key: "sortOrder", required: false, aliases: ["排序", "序号", "顺序", "sort order", "sortorder", "order"] },
  ],
};

export function fieldLabelKey(kind: ImportKind, key: string): MessageKey {
  return `imports.field.${kind}.${key}` as MessageKey;
}

/** Column index per field key; a field left out is not imported. */
export type ColumnMapping = Record<string, number>;

function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[\s_\-.:：（）()*＊]/g, "");
}

/** The mapping HR starts from: each field to the first column whose header is one of its aliases. */
export function autoMap(kind: ImportKind, headers: readonly string[]): ColumnMapping {
  const normalised = headers.map(normaliseHeader);
  const mapping: ColumnMapping = {};
  const taken = new Set<number>();
  for (const field of IMPORT_FIELDS[kind]) {
    const wanted = new Set([field.key, ...field.aliases].map(normaliseHeader));
    const index = normalised.findIndex((h, i) => !taken.has(i) && wanted.has(h));
    if (index >= 0) {
      mapping[field.key] = index;
      taken.add(index);
    }
  }
  return mapping;
}

export type MappingProblem = { key: MessageKey; params: Record<string, string | number> };

/** Every required field mapped, no column used twice, every index a real column. */
export function mappingProblems(kind: ImportKind, mapping: ColumnMapping, columnCount: number): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const fields = IMPORT_FIELDS[kind];
  const byColumn = new Map<number, string>();
  for (const [key, index] of Object.entries(mapping)) {
    if (!fields.some((f) => f.key === key) || !Number.isInteger(index) || index < 0 || index >= columnCount) {
      problems.push({ key: "imports.errors.mappingInvalid", params: { field: key } });
      continue;
    }
    const other = byColumn.get(index);
    if (other) problems.push({ key: "imports.errors.mappingTwice", params: { column: index + 1 } });
    byColumn.set(index, key);
  }
  for (const field of fields) {
    if (field.required && mapping[field.key] === undefined) problems.push({ key: "imports.errors.mappingMissing", params: { field: field.key } });
  }
  return problems;
}
