// Project attachments: uploads streamed to disk with a size limit, types decided by the bytes
// (never by the name or the browser's MIME type), files kept under <DATA_DIR>/attachments/
// with server-made random names, and downloads for the team's members and the camp's staff.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { createReadableStreamFromReadable, MaxPartSizeExceededError, type UploadHandler } from "@remix-run/node";
import type { SessionUser } from "~/auth/guards.server";
import { db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { forbidden, notFound } from "~/utils/http.server";
import { CAMP_ERRORS, CampError } from "./errors";

import { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_SUBMISSION } from "./limits";

export { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_SUBMISSION };

export function attachmentsDir(): string {
  return path.join(env().dataDir, "attachments");
}
function incomingDir(): string {
  return path.join(attachmentsDir(), ".incoming");
}

/** A file received and written to the incoming folder, not yet checked or kept. */
export type StagedFile = { tempPath: string; originalName: string; sizeBytes: number; sha256: string };

/** A checked file, ready to be kept. */
export type CheckedFile = StagedFile & { mimeType: string };

/** Random names: 32 hex characters, nothing from the uploader. */
function randomName(): string {
  return randomBytes(16).toString("hex");
}

/** The last path component, without control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "file").slice(-200);
}

/**
 * An UploadHandler that streams each file part to the incoming folder, hashing and counting
 * as it goes; a part over the limit stops at the limit (its partial file is removed) and
 * fails the whole request with MaxPartSizeExceededError — nothing is read into memory whole.
 * Received files are recorded in `staged` (owned by the caller), never in the form data, so
 * a text field cannot pose as a received file.
 */
export function stagingUploadHandler(staged: StagedFile[], limit = MAX_ATTACHMENT_BYTES): UploadHandler {
  return async ({ name, filename, data }) => {
    if (filename === undefined) return undefined; // a text field: for the next handler
    if (name !== ATTACHMENT_FIELD || filename === "") {
      // A file under another name, or an empty file input: read past it, keep nothing.
      for await (const chunk of data) void chunk;
      return undefined;
    }
    if (staged.length >= MAX_FILES_PER_SUBMISSION) throw new CampError(CAMP_ERRORS.tooManyFiles, { max: MAX_FILES_PER_SUBMISSION });
    await mkdir(incomingDir(), { recursive: true });
    const tempPath = path.join(incomingDir(), randomName());
    const out = createWriteStream(tempPath, { flags: "wx", mode: 0o600 });
    const hash = createHash("sha256");
    let size = 0;
    const closed = new Promise<void>((resolve, reject) => {
      out.on("close", () => resolve());
      out.on("error", reject);
    });
    try {
      for await (const chunk of data) {
        size += chunk.byteLength;
        if (size > limit) throw new MaxPartSizeExceededError(name, limit);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      }
      out.end();
      await closed;
    } catch (error) {
      out.destroy();
      await closed.catch(() => undefined);
      await rm(tempPath, { force: true });
      throw error;
    }
    staged.push({ tempPath, originalName: cleanFileName(filename), sizeBytes: size, sha256: hash.digest("hex") });
    return undefined;
  };
}

/** Removes received files that were not kept. */
export async function discardStaged(files: readonly { tempPath: string }[]) {
  await Promise.all(files.map((f) => rm(f.tempPath, { force: true })));
}

// ---------------------------------------------------------------- types by content

const OOXML_TYPES: Record<string, string> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-word.document.macroEnabled.main+xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};
const OLE_TYPES: Record<string, string> = {
  ".doc": "application/msword",
  ".xls": "application/vnd.ms-excel",
  ".ppt": "application/vnd.ms-powerpoint",
};

const startsWith = (head: Buffer, bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/**
 * The MIME type of a file judged by its bytes: PDF, JPEG, PNG, Office Open XML (a ZIP whose
 * [Content_Types].xml names a Word, Excel or PowerPoint main part) or legacy Office (the OLE
 * compound-file signature; which of doc/xls/ppt it is comes from the name, as the container
 * is the same). Null for anything else.
 */
export async function detectFileType(filePath: string, originalName: string): Promise<string | null> {
  const handle = await open(filePath, "r");
  let head: Buffer;
  try {
    head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return OLE_TYPES[path.extname(originalName).toLowerCase()] ?? "application/msword";
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    const xml = readZipEntry(await readFile(filePath), "[Content_Types].xml");
    if (!xml) return null;
    const text = xml.toString("utf8");
    for (const [partType, mime] of Object.entries(OOXML_TYPES)) {
      if (text.includes(`ContentType="${partType}"`)) return mime;
    }
  }
  return null;
}

/** One entry of a ZIP archive (stored or deflated), found through the central directory. */
export function readZipEntry(zip: Buffer, wanted: string): Buffer | null {
  // End of central directory: 22 bytes plus a comment of up to 65535.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= floor; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) return null;
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString("utf8");
    if (name === wanted) {
      if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== 0x04034b50) return null;
      const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
      const body = zip.subarray(start, start + compressedSize);
      if (body.length !== compressedSize) return null;
      try {
        if (method === 0) return body;
        if (method === 8) return inflateRawSync(body, { maxOutputLength: 1024 * 1024 });
      } catch {
        return null;
      }
      return null;
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  return null;
}

/** Checks every staged file; refuses the lot (naming the file) if one is empty or not an allowed type. */
export async function checkStaged(files: readonly StagedFile[]): Promise<CheckedFile[]> {
  const checked: CheckedFile[] = [];
  for (const file of files) {
    if (file.sizeBytes === 0) throw new CampError(CAMP_ERRORS.emptyFile, { name: file.originalName });
    const mimeType = await detectFileType(file.tempPath, file.originalName);
    if (!mimeType) throw new CampError(CAMP_ERRORS.fileType, { name: file.originalName });
    checked.push({ ...file, mimeType });
  }
  return checked;
}

/** Moves a checked file to its kept place under a new random name; returns that name. */
export async function keepFile(file: CheckedFile): Promise<string> {
  const storedName = randomName();
  await rename(file.tempPath, path.join(attachmentsDir(), storedName));
  return storedName;
}

export async function removeKept(storedNames: readonly string[]) {
  await Promise.all(storedNames.map((name) => rm(path.join(attachmentsDir(), name), { force: true })));
}

// ---------------------------------------------------------------- downloads

/**
 * Who may download: the camp's staff and the current members of the team whose project it
 * is. 404 for an unknown attachment, 403 for everyone else.
 */
export async function requireAttachmentAccess(user: Pick<SessionUser, "id" | "personId">, attachmentId: number) {
  const attachment = await db.attachment.findUnique({
    where: { id: attachmentId },
    select: {
      originalName: true,
      storedName: true,
      mimeType: true,
      sizeBytes: true,
      projectVersion: { select: { project: { select: { team: { select: { id: true, campId: true } } } } } },
    },
  });
  if (!attachment) notFound();
  const team = attachment.projectVersion.project.team;
  const [staff, member] = await Promise.all([
    db.campStaff.findUnique({ where: { campId_userId: { campId: team.campId, userId: user.id } }, select: { role: true } }),
    user.personId ? db.teamMember.findFirst({ where: { teamId: team.id, personId: user.personId, leftAt: null }, select: { id: true } }) : null,
  ]);
  if (!staff && !member) forbidden();
  return { originalName: attachment.originalName, storedName: attachment.storedName, mimeType: attachment.mimeType, sizeBytes: attachment.sizeBytes };
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 with RFC 5987 for any name). */
export function contentDisposition(originalName: string): string {
  const ascii = originalName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(originalName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The file as a download response. */
export async function attachmentResponse(file: { originalName: string; storedName: string; mimeType: string }): Promise<Response> {
  const filePath = path.join(attachmentsDir(), file.storedName);
  const info = await stat(filePath).catch(() => null);
  if (!info) notFound();
  return new Response(createReadableStreamFromReadable(createReadStream(filePath)), {
    headers: {
      "Content-Type": file.mimeType,
      "Content-Length": String(info.size),
      "Content-Disposition": contentDisposition(file.originalName),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
