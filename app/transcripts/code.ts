// Verification codes of issued transcripts: 24 characters of Crockford base32 (120 random bits),
// printed in groups of four. Guessing one is hopeless (2^120 codes for every real one), which is
// what bounds the rate of guessing on the public /verify page. Client-safe.
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_LENGTH = 24;

/** Random bytes (15 = 120 bits) as a code: 5 bits per character. */
export function codeFromBytes(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CODE_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.slice(0, CODE_LENGTH);
}

/**
 * A typed or scanned code in canonical form, or null: case, spaces and hyphens don't matter,
 * and the letters Crockford base32 leaves out read as the digits they look like.
 */
export function normaliseCode(input: string): string | null {
  const text = input
    .toUpperCase()
    .replace(/[\s-]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (text.length !== CODE_LENGTH) return null;
  for (const ch of text) if (!CODE_ALPHABET.includes(ch)) return null;
  return text;
}

/** "ABCD-EFGH-…": easier to read aloud and to type from paper. */
export function formatCode(code: string): string {
  return code.match(/.{1,4}/g)?.join("-") ?? code;
}
