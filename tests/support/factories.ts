// Small builders for database tests: each creates just what a test needs, with unique
// codes so tests in one file never collide.
import bcrypt from "bcryptjs";
import type { Role } from "../../app/auth/roles";
import { db } from "../../app/utils/db.server";

let counter = 0;
const next = () => ++counter;

export const TEST_PASSWORD = "correct horse battery";
let testHash: string | undefined;
/** Hashed once per file at the cheap test cost. */
export function testPasswordHash() {
  testHash ??= bcrypt.hashSync(TEST_PASSWORD, 4);
  return testHash;
}

export async function makeUnitTree() {
  const district = await db.unit.create({
    data: { code: `D${next()}`, nameZh: "测试区", nameEn: "Test district", kind: "district", path: "/" },
  });
  await db.unit.update({ where: { id: district.id }, data: { path: `/${district.id}/` } });
  const streets = [];
  for (const name of ["甲街道", "乙街道"]) {
    const street = await db.unit.create({
      data: { code: `S${next()}`, nameZh: name, nameEn: name, kind: "street", parentId: district.id, path: "/" },
    });
    const path = `/${district.id}/${street.id}/`;
    await db.unit.update({ where: { id: street.id }, data: { path } });
    const area = await db.unit.create({
      data: { code: `A${next()}`, nameZh: `${name}一居`, nameEn: `${name} area`, kind: "area", parentId: street.id, path: "/" },
    });
    await db.unit.update({ where: { id: area.id }, data: { path: `${path}${area.id}/` } });
    streets.push({ id: street.id, path, areaId: area.id, areaPath: `${path}${area.id}/` });
  }
  return { district: { id: district.id, path: `/${district.id}/` }, streets };
}

export async function ensurePostTypes() {
  for (const [code, min, max] of [
    ["head", 7, 18],
    ["supervisor", 4, 15],
    ["staff", 1, 12],
  ] as const) {
    await db.postType.upsert({
      where: { code },
      create: { code, nameZh: code, nameEn: code, minGrade: min, maxGrade: max },
      update: {},
    });
  }
}

export async function makePerson(unitId: number, overrides: { employeeNo?: string; name?: string } = {}) {
  await ensurePostTypes();
  return db.person.create({
    data: {
      employeeNo: overrides.employeeNo ?? `T${String(next()).padStart(5, "0")}`,
      name: overrides.name ?? "测试人员",
      unitId,
      postTypeCode: "staff",
      grade: 3,
      hiredOn: new Date("2020-03-01T00:00:00Z"),
      education: "bachelor",
    },
  });
}

export async function makeUser(
  role: Role,
  options: { username?: string; email?: string; scopeUnitId?: number; personId?: number; disabled?: boolean } = {},
) {
  return db.user.create({
    data: {
      username: options.username ?? `${role}${next()}`,
      email: options.email,
      displayName: `${role} user`,
      role,
      scopeUnitId: options.scopeUnitId,
      personId: options.personId,
      passwordHash: testPasswordHash(),
      disabledAt: options.disabled ? new Date() : null,
    },
  });
}
