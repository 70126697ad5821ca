// Streamed downloads: a Node Readable (a PDF, a ZIP) as the body of a Response, with a file
// name that survives Chinese characters (RFC 6266: an ASCII fallback plus filename*).
import type { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";

export const PDF_CONTENT_TYPE = "application/pdf";
export const ZIP_CONTENT_TYPE = "application/zip";

/** `attachment; filename="ascii"; filename*=UTF-8''…` — the ASCII name keeps only safe characters. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\w.-]+/g, "_").replace(/_+/g, "_") || "download";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function streamedDownload(body: Readable, contentType: string, filename: string, headers: Record<string, string> = {}): Response {
  return new Response(createReadableStreamFromReadable(body), {
    status: 200,
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": contentDisposition(filename),
      // Personal records: never kept by a shared cache or the browser's back button.
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

/** A file name part from a person's name: no path separators or control characters. */
export function fileSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\\/:*?"<>|]+/g, "_").slice(0, 60) || "_";
}
