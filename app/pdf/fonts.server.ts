// The Chinese font every PDF embeds: Noto Sans SC (SIL Open Font License) as Google Fonts
// ships it — TrueType outlines — from the npm package @expo-google-fonts/noto-sans-sc, so it
// installs with `npm install` on any machine and no system font is needed. pdfkit embeds only
// the glyphs a document uses (a TrueType subset of a few KB). TrueType rather than the OTF/CFF
// cut of the same design: fontkit subsets CFF CID fonts by copying their global subroutines,
// which made every PDF ~70 KB larger and several times slower to write (ADR 009).
// The files are read once per process; each document parses its own copy (fontkit keeps
// per-document subset state).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export const FONT_PACKAGE = "@expo-google-fonts/noto-sans-sc";
const FILES = { regular: "400Regular/NotoSansSC_400Regular.ttf", bold: "700Bold/NotoSansSC_700Bold.ttf" } as const;
export type FontWeight = keyof typeof FILES;

let cache: Record<FontWeight, Buffer> | null = null;

export function fontDirectory(): string {
  return path.dirname(createRequire(import.meta.url).resolve(`${FONT_PACKAGE}/package.json`));
}

export function pdfFonts(): Record<FontWeight, Buffer> {
  if (!cache) {
    const dir = fontDirectory();
    cache = { regular: readFileSync(path.join(dir, FILES.regular)), bold: readFileSync(path.join(dir, FILES.bold)) };
  }
  return cache;
}
