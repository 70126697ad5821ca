import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cleanFileName, contentDisposition, detectFileType } from "./attachments.server";

const dir = mkdtempSync(path.join(tmpdir(), "lane-sniff-"));
let n = 0;
function file(bytes: Buffer): string {
  const p = path.join(dir, `f${++n}`);
  writeFileSync(p, bytes);
  return p;
}

/** A ZIP archive of the given entries (deflated when `deflate`), built by hand. */
function zip(entries: Record<string, string>, deflate = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const raw = Buffer.from(text, "utf8");
    const body = deflate ? deflateRawSync(raw) : raw;
    const nameBytes = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const contentTypes = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`;

describe("file types are judged by content", () => {
  it("recognises PDF, JPEG and PNG whatever the name says", async () => {
    expect(await detectFileType(file(Buffer.from("%PDF-1.7\n%%EOF\n")), "x.txt")).toBe("application/pdf");
    expect(await detectFileType(file(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), "photo.pdf")).toBe("image/jpeg");
    expect(await detectFileType(file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), "a.png")).toBe("image/png");
  });

  it("refuses text, HTML and scripts named like documents", async () => {
    expect(await detectFileType(file(Buffer.from("hello, I am not a PDF")), "report.pdf")).toBeNull();
    expect(await detectFileType(file(Buffer.from("<html><script>alert(1)</script>")), "slides.pptx")).toBeNull();
    expect(await detectFileType(file(Buffer.alloc(0)), "empty.pdf")).toBeNull();
  });

  it("accepts Office Open XML only when [Content_Types].xml names a Word, Excel or PowerPoint main part", async () => {
    const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    const pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";
    expect(await detectFileType(file(zip({ "[Content_Types].xml": contentTypes(docx), "word/document.xml": "<w/>" })), "a.docx")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(await detectFileType(file(zip({ "[Content_Types].xml": contentTypes(xlsx) }, true)), "a.xlsx")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(await detectFileType(file(zip({ "[Content_Types].xml": contentTypes(pptx) }, true)), "a.pptx")).toBe(
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    );
    // A plain ZIP, or one whose content types name something else, is not an Office document.
    expect(await detectFileType(file(zip({ "evil.exe": "MZ" })), "a.docx")).toBeNull();
    expect(await detectFileType(file(zip({ "[Content_Types].xml": contentTypes("application/x-shockwave-flash") })), "a.docx")).toBeNull();
    expect(await detectFileType(file(Buffer.from("PK\u0003\u0004 truncated")), "a.docx")).toBeNull();
  });

  it("recognises legacy Office by the OLE signature", async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    expect(await detectFileType(file(ole), "budget.xls")).toBe("application/vnd.ms-excel");
    expect(await detectFileType(file(ole), "talk.PPT")).toBe("application/vnd.ms-powerpoint");
    expect(await detectFileType(file(ole), "plan.doc")).toBe("application/msword");
  });
});

describe("names", () => {
  it("keeps only the last path component, without control characters", () => {
    expect(cleanFileName("C:\\Users\\王\\项目书.pdf")).toBe("项目书.pdf");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0000b\r\n.pdf")).toBe("ab.pdf");
    expect(cleanFileName("")).toBe("file");
  });

  it("sends Chinese names with RFC 5987 encoding and a plain ASCII fallback", () => {
    expect(contentDisposition("预算表 (终稿).xlsx")).toBe(
      `attachment; filename="___ (__).xlsx"; filename*=UTF-8''%E9%A2%84%E7%AE%97%E8%A1%A8%20%28%E7%BB%88%E7%A8%BF%29.xlsx`,
    );
    expect(contentDisposition('a"b.pdf')).toBe(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%22b.pdf`);
  });
});
