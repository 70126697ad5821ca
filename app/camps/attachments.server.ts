// Project attachments: uploads streamed to disk with a size limit, types decided by the bytes
// (never by the name or the browser's MIME type), files kept under <DATA_DIR>/attachments/
// with server-made random names, and downloads for the team's members and the camp's staff.
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import type { UploadHandler } from "@remix-run/node";
import type { SessionUser } from "~/auth/guards.server";
import {
  cleanFileName,
  contentDisposition,
  discardStaged,
  keepStaged,
  keptFileResponse,
  removeKept as removeKeptFiles,
  stagingUploadHandler as stageUploads,
  storageDir,
  type StagedFile,
} from "~/files/storage.server";
import { db } from "~/utils/db.server";
import { forbidden, notFound } from "~/utils/http.server";
import { CAMP_ERRORS, CampError } from "./errors";
import { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_SUBMISSION } from "./limits";

// The generic pieces live in app/files/storage.server.ts; re-exported for the camp modules.
export { cleanFileName, contentDisposition, discardStaged, type StagedFile };
const ATTACHMENTS_AREA = "attachments";

export { ATTACHMENT_FIELD, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_SUBMISSION };

export function attachmentsDir(): string {
  return storageDir(ATTACHMENTS_AREA);
}

/** A checked file, ready to be kept. */
export type CheckedFile = StagedFile & { mimeType: string };

/**
 * Project files streamed to DATA_DIR/attachments/.incoming with the attachment limits (see
 * stagingUploadHandler in app/files/storage.server.ts); at most MAX_FILES_PER_SUBMISSION.
 */
export function stagingUploadHandler(staged: StagedFile[], limit = MAX_ATTACHMENT_BYTES): UploadHandler {
  return stageUploads(staged, {
    area: ATTACHMENTS_AREA,
    field: ATTACHMENT_FIELD,
    limit,
    maxFiles: MAX_FILES_PER_SUBMISSION,
    tooMany: () => new CampError(CAMP_ERRORS.tooManyFiles, { max: MAX_FILES_PER_SUBMISSION }),
  });
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
  return keepStaged(ATTACHMENTS_AREA, file);
}

export async function removeKept(storedNames: readonly string[]) {
  await removeKeptFiles(ATTACHMENTS_AREA, storedNames);
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

/** The file as a download response. */
export async function attachmentResponse(file: { originalName: string; storedName: string; mimeType: string }): Promise<Response> {
  return keptFileResponse(ATTACHMENTS_AREA, file);
}
