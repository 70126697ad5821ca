// Uploaded files kept under DATA_DIR: one way to receive them (streamed to disk, hashed and
// counted on the way, stopped at a size limit without buffering past it), to keep them
// (server-made random names, nothing from the uploader in the path) and to hand them back as
// downloads. Camp project attachments (DATA_DIR/attachments) and HR import files
// (DATA_DIR/imports) both go through here; each area decides what types it accepts.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { createReadableStreamFromReadable, MaxPartSizeExceededError, type UploadHandler } from "@remix-run/node";
import { env } from "~/utils/env.server";
import { notFound } from "~/utils/http.server";

/** A folder under DATA_DIR (read lazily, so tests can point DATA_DIR elsewhere first). */
export function storageDir(area: string): string {
  return path.join(env().dataDir, area);
}

/** A file received and written to the area's incoming folder, not yet checked or kept. */
export type StagedFile = { tempPath: string; originalName: string; sizeBytes: number; sha256: string };

/** Random names: 32 hex characters, nothing from the uploader. */
export function randomName(): string {
  return randomBytes(16).toString("hex");
}

/** The last path component, without control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "file").slice(-200);
}

export type StagingOptions = {
  /** Area folder under DATA_DIR; files land in <area>/.incoming until kept. */
  area: string;
  /** The form field that carries files; file parts under other names are read past. */
  field: string;
  /** Bytes per file; the part is stopped at the limit and the request fails. */
  limit: number;
  maxFiles: number;
  /** Thrown when a request carries more than maxFiles files. */
  tooMany: () => Error;
};

/**
 * An UploadHandler that streams each file part to the incoming folder, hashing and counting
 * as it goes; a part over the limit stops at the limit (its partial file is removed) and
 * fails the whole request with MaxPartSizeExceededError — nothing is read into memory whole.
 * Received files are recorded in `staged` (owned by the caller), never in the form data, so
 * a text field cannot pose as a received file.
 */
export function stagingUploadHandler(staged: StagedFile[], options: StagingOptions): UploadHandler {
  const incoming = path.join(storageDir(options.area), ".incoming");
  return async ({ name, filename, data }) => {
    if (filename === undefined) return undefined; // a text field: for the next handler
    if (name !== options.field || filename === "") {
      // A file under another name, or an empty file input: read past it, keep nothing.
      for await (const chunk of data) void chunk;
      return undefined;
    }
    if (staged.length >= options.maxFiles) throw options.tooMany();
    await mkdir(incoming, { recursive: true });
    const tempPath = path.join(incoming, randomName());
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
        if (size > options.limit) throw new MaxPartSizeExceededError(name, options.limit);
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

/** Moves a staged file to its kept place in the area under a new random name; returns that name. */
export async function keepStaged(area: string, file: { tempPath: string }, extension = ""): Promise<string> {
  const storedName = randomName() + extension;
  await rename(file.tempPath, path.join(storageDir(area), storedName));
  return storedName;
}

/** Where a kept file is; refuses names that are not plain server-made names. */
export function keptPath(area: string, storedName: string): string {
  if (!/^[0-9a-f]{32}(\.[a-z0-9]{1,5})?$/.test(storedName)) notFound();
  return path.join(storageDir(area), storedName);
}

export async function removeKept(area: string, storedNames: readonly string[]) {
  await Promise.all(storedNames.map((name) => rm(path.join(storageDir(area), name), { force: true })));
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 with RFC 5987 for any name). */
export function contentDisposition(originalName: string): string {
  const ascii = originalName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(originalName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A kept file as a private download; 404 when it is gone. */
export async function keptFileResponse(
  area: string,
  file: { originalName: string; storedName: string; mimeType: string },
): Promise<Response> {
  const filePath = keptPath(area, file.storedName);
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
