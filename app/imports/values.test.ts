import { describe, expect, it } from "vitest";
import { autoMap, mappingProblems } from "./kinds";
import { formatDate, parseCategory, parseCentipoints, parseCertificate, parseDate, parseEducation, parseInteger } from "./values";

describe("cell values", () => {
  it("reads dates as HR systems write them, and refuses impossible ones", () => {
    for (const text of ["2020-03-01", "2020/3/1", "2020.03.01", "2020年3月1日", "20200301", "2020-03-01 00:00:00", "43891"]) {
      expect(formatDate(parseDate(text)!), text).toBe("2020-03-01");
    }
    for (const text of ["2020-02-30", "2020-13-01", "01/03/2020", "yesterday", "", "12"]) expect(parseDate(text), text).toBeNull();
  });

  it("reads whole numbers and points", () => {
    expect(parseInteger("7")).toBe(7);
    expect(parseInteger("7.0")).toBe(7);
    expect(parseInteger("7.5")).toBeNull();
    expect(parseInteger("seven")).toBeNull();
    expect(parseCentipoints("2.5")).toBe(250);
    expect(parseCentipoints("12")).toBe(1200);
    expect(parseCentipoints("-1.25")).toBe(-125);
    expect(parseCentipoints("1.234")).toBeNull();
    expect(parseCentipoints("abc")).toBeNull();
  });

  it("reads codes and Chinese labels", () => {
    expect(parseEducation("本科")).toBe("bachelor");
    expect(parseEducation("Master")).toBe("master");
    expect(parseEducation("小学毕业")).toBeNull();
    expect(parseCertificate("高级社会工作师")).toBe("senior");
    expect(parseCertificate("")).toBe("none");
    expect(parseCategory("线上学习")).toBe("online");
    expect(parseCategory("in_person")).toBe("in_person");
    expect(parseCategory("bonus")).toBeNull();
  });
});

describe("column mapping", () => {
  it("maps Chinese and English headers to fields, each column once", () => {
    const mapping = autoMap("people", ["工号", "姓名", "所属单位", "岗位类别", "岗位等级", "入职日期", "学历", "Email", "备注"]);
    expect(mapping).toEqual({ employeeNo: 0, name: 1, unit: 2, postType: 3, grade: 4, hiredOn: 5, education: 6, email: 7 });
    expect(mappingProblems("people", mapping, 9)).toEqual([]);
  });

  it("names missing required fields, a column chosen twice and columns that do not exist", () => {
    const problems = mappingProblems("credits", { employeeNo: 0, creditYear: 0, points: 9 }, 3);
    expect(problems).toContainEqual({ key: "imports.errors.mappingTwice", params: { column: 1 } });
    expect(problems).toContainEqual({ key: "imports.errors.mappingInvalid", params: { field: "points" } });
    expect(problems).toContainEqual({ key: "imports.errors.mappingMissing", params: { field: "category" } });
    expect(problems).toContainEqual({ key: "imports.errors.mappingMissing", params: { field: "competency" } });
  });
});
