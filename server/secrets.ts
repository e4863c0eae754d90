/**
 * How strong a configured signing secret is. Length alone is not enough: 32 × "a" is 32 characters
 * and no secret at all. The estimate is the secret's length times the Shannon entropy of its own
 * character frequencies, a generous upper bound for anything a person typed and a fair one for
 * random bytes in hex or base64 (64 hex characters ≈ 256 bits, 43 base64url characters ≈ 220).
 */

/** The smallest secret accepted: 32 characters, the HS256 key size in bytes. */
export const MIN_SECRET_LENGTH = 32;

/** The least estimated entropy accepted, in bits (32 random hex characters measure about 110). */
export const MIN_SECRET_BITS = 96;

/** `openssl rand -base64 32` is what the docs and errors suggest. */
export const SECRET_ADVICE = 'generate one with `openssl rand -base64 32`';

/** Estimated entropy of `secret` in bits (length × per-character Shannon entropy). */
export function estimatedSecretBits(secret: string): number {
  const characters = [...secret];
  if (characters.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return perCharacter * characters.length;
}

/** Why `secret` is too weak to sign tokens with, or null when it is strong enough. */
export function secretWeakness(secret: string): string | null {
  if ([...secret].length < MIN_SECRET_LENGTH) return `it is shorter than ${MIN_SECRET_LENGTH} characters`;
  const bits = estimatedSecretBits(secret);
  if (bits < MIN_SECRET_BITS) {
    return `it is too predictable (about ${Math.floor(bits)} bits of entropy, at least ${MIN_SECRET_BITS} needed: it repeats too few characters)`;
  }
  return null;
}
