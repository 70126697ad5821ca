import { describe, expect, it } from "vitest";
import { pdfText, readAll } from "../../tests/support/pdf";
import { formatCode } from "./code";
import { contentHash, newVerificationCode, type IssuedTranscript } from "./issue.server";
import { snapshotJson, type TranscriptSnapshot } from "./snapshot";
import { transcriptPdf } from "./transcript-pdf.server";

function issued(snapshot: TranscriptSnapshot): IssuedTranscript {
  return { id: 1, code: newVerificationCode(), personId: 1, snapshot, contentHash: contentHash(snapshotJson(snapshot)) };
}

const snapshot: TranscriptSnapshot = {
  v: 1,
  name: "李秀英",
  employeeNo: "CN0042",
  fromYear: 2025,
  toYear: 2026,
  issuedAt: "2026-11-26T02:00:00.000Z",
  years: [
    { year: 2025, earned: 6050, counted: 6050, required: 5600, met: true },
    { year: 2026, earned: 1200, counted: 1650, required: 5600, met: false },
  ],
};

describe("the transcript PDF", () => {
  it("states the snapshot, the code, the verification URL and the hash, in Chinese by default", async () => {
    const doc = issued(snapshot);
    const bytes = await readAll(await transcriptPdf("zh-CN", doc, "https://lane.example.org"));
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const { text, title } = await pdfText(bytes);
    expect(title).toBe("学分证明");
    for (const fact of ["李秀英", "CN0042", "2025", "60.5", "56", "达标", "未达标", "16.5", formatCode(doc.code), doc.contentHash, `https://lane.example.org/verify/${doc.code}`]) {
      expect(text).toContain(fact);
    }
    expect(text).toContain("第 1 页");
    // Subset embedding keeps it small.
    expect(bytes.length).toBeLessThan(60_000);
  });

  it("is in English for an English reader", async () => {
    const bytes = await readAll(await transcriptPdf("en", issued(snapshot), "http://localhost:3000"));
    const { text, title } = await pdfText(bytes);
    expect(title).toBe("Credit transcript");
    expect(text).toContain("Not met");
    expect(text).toContain("Page 1");
    expect(text).toContain("李秀英");
  });
});
