// The Chinese font every PDF embeds: Noto Sans Hans (the Simplified Chinese cut of Noto Sans
// CJK, SIL Open Font License) from the npm package @embedpdf/fonts-sc, so it installs with
// `npm install` on any machine and no system font is needed. pdfkit embeds only the glyphs a
// document uses (a CFF subset), so a transcript stays well under 100 KB.
// The files are read once per process; each document still parses its own copy (fontkit keeps
// per-document subset state), which costs a few milliseconds.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const FONT_PACKAGE = "@embedpdf/fonts-sc";
const FILES = { regular: "NotoSansHans-Regular.otf", bold: "NotoSansHans-Bold.otf" } as const;
export type FontWeight = keyof typeof FILES;

let cache: Record<FontWeight, Buffer> | null = null;

/** The package's fonts/ folder (its exports list no file paths, so go from its entry point). */
export function fontDirectory(): string {
  const entry = createRequire(import.meta.url).resolve(FONT_PACKAGE);
  return path.join(path.dirname(entry), "..", "fonts");
}

export function pdfFonts(): Record<FontWeight, Buffer> {
  if (!cache) {
    const dir = fontDirectory();
    cache = { regular: readFileSync(path.join(dir, FILES.regular)), bold: readFileSync(path.join(dir, FILES.bold)) };
  }
  return cache;
}
