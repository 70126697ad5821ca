// The check-in QR code: an SVG drawn on the server, embedded in the page as markup (no
// script, no image request, no inline style — the SVG uses presentation attributes only).
import QRCode from "qrcode";

/** The absolute URL a learner's phone opens: this site's /my/check-in with the code filled in. */
export function checkinUrl(requestUrl: string, code: string): string {
  const url = new URL("/my/check-in", new URL(requestUrl).origin);
  url.searchParams.set("code", code);
  return url.toString();
}

export async function qrSvg(text: string): Promise<string> {
  // Medium error correction survives a projector's glare; a margin of 2 modules is enough
  // on the white card around it.
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}
