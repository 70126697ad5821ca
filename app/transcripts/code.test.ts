import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, CODE_LENGTH, codeFromBytes, formatCode, normaliseCode } from "./code";
import { countPdfEnds } from "./export-form";

describe("verification codes", () => {
  it("are 24 characters of Crockford base32 from 120 random bits", () => {
    const codes = new Set(Array.from({ length: 200 }, () => codeFromBytes(randomBytes(15))));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toHaveLength(CODE_LENGTH);
      for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
    }
    expect(codeFromBytes(new Uint8Array(15))).toBe("0".repeat(24));
    expect(codeFromBytes(new Uint8Array(15).fill(255))).toBe("Z".repeat(24));
  });

  it("read back however they are typed: case, hyphens, spaces, O for 0 and I/L for 1", () => {
    const code = codeFromBytes(randomBytes(15));
    expect(normaliseCode(formatCode(code).toLowerCase())).toBe(code);
    expect(normaliseCode(` ${formatCode(code)} `)).toBe(code);
    expect(normaliseCode("O0IL-ABCD-EFGH-JKMN-PQRS-TVWX")).toBe("0011ABCDEFGHJKMNPQRSTVWX");
    expect(normaliseCode("ABCD")).toBeNull();
    expect(normaliseCode("U".repeat(24))).toBeNull();
    expect(formatCode("ABCDEFGHJKMNPQRSTVWXYZ01")).toBe("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01");
  });
});

describe("countPdfEnds", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("counts each %%EOF once, also when a chunk boundary cuts it", () => {
    const stream = "PK..%PDF-1.7 ... %%EOF\nPK..%PDF-1.7 ... %%EOF\nPK%%EOF";
    for (let cut1 = 1; cut1 < stream.length - 1; cut1 += 3) {
      for (let cut2 = cut1 + 1; cut2 < stream.length; cut2 += 5) {
        let tail: Uint8Array = new Uint8Array(0);
        let total = 0;
        for (const part of [stream.slice(0, cut1), stream.slice(cut1, cut2), stream.slice(cut2)]) {
          const counted = countPdfEnds(tail, bytes(part));
          total += counted.count;
          tail = counted.tail;
        }
        expect(total, `cuts at ${cut1}, ${cut2}`).toBe(3);
      }
    }
  });
});
