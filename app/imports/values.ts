// Reading cell values as HR systems write them: dates in half a dozen shapes, codes or Chinese
// labels for education, certificates, gender, credit categories. Pure functions; null means
// "not a value I understand" and becomes a row error naming the cell.
import { EDUCATIONS, SOCIAL_WORK_CERTS } from "~/career/ladder";
import { CREDIT_CATEGORIES, type CreditCategory } from "~/credits/status";

/**
 * A calendar date as UTC midnight (how the app stores hire dates). Accepts 2020-03-01,
 * 2020/3/1, 2020.3.1, 2020年3月1日, 20200301 and an Excel serial day number (a date cell
 * exported as a number).
 */
export function parseDate(text: string): Date | null {
  const value = text.trim();
  if (!value) return null;
  let y: number, m: number, d: number;
  let match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(value);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(value))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if (/^\d{4,5}$/.test(value)) {
    // Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
    const serial = Number(value);
    if (serial < 18264 || serial > 73050) return null; // 1950–2099
    return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  } else {
    return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A whole number written plainly ("7", "7.0", "７" is not accepted). */
export function parseInteger(text: string): number | null {
  const value = text.trim();
  if (!/^-?\d+(\.0+)?$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** Points with at most two decimals, as centipoints ("2.5" → 250). */
export function parseCentipoints(text: string): number | null {
  const value = text.trim();
  const match = /^(-?)(\d{1,6})(?:\.(\d{1,2})0*)?$/.exec(value);
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -cents : cents;
}

const lookup = <T extends string>(table: Record<string, T>) => (text: string): T | null => {
  const key = text.trim().toLowerCase().replace(/\s+/g, "");
  return table[key] ?? null;
};

const withCodes = <T extends string>(codes: readonly T[], labels: Record<string, T>): Record<string, T> => ({
  ...Object.fromEntries(codes.map((c) => [c.toLowerCase(), c])),
  ...labels,
});

export type Education = (typeof EDUCATIONS)[number];
export const parseEducation = lookup<Education>(
  withCodes(EDUCATIONS, {
    初中: "secondary", 高中: "secondary", 中专: "secondary", 中专及以下: "secondary", 职高: "secondary", 技校: "secondary",
    大专: "college", 专科: "college", 高职: "college",
    本科: "bachelor", 大学本科: "bachelor", 学士: "bachelor",
    硕士: "master", 研究生: "master", 硕士研究生: "master",
    博士: "doctorate", 博士研究生: "doctorate",
  }),
);

export type SocialWorkCert = (typeof SOCIAL_WORK_CERTS)[number];
export const parseCertificate = lookup<SocialWorkCert>(
  withCodes(SOCIAL_WORK_CERTS, {
    "": "none", 无: "none", 无证书: "none", 否: "none",
    助理社工师: "assistant", 助理社会工作师: "assistant", 初级: "assistant",
    社工师: "intermediate", 社会工作师: "intermediate", "社会工作师（中级）": "intermediate", 中级: "intermediate",
    高级社工师: "senior", 高级社会工作师: "senior", 高级: "senior",
  }),
);

export const parseGender = lookup<"female" | "male">({ female: "female", male: "male", f: "female", m: "male", 女: "female", 男: "male" });

export const parseCategory = lookup<CreditCategory>(
  withCodes(CREDIT_CATEGORIES, {
    线下: "in_person", 面授: "in_person", 线下面授: "in_person", 现场: "in_person",
    线上: "online", 网络: "online", 线上学习: "online", 网络学习: "online",
    训练营: "camp", 工作坊: "camp",
    外部: "external", 外部培训: "external", 其他: "external",
    调整: "adjustment",
  }),
);
