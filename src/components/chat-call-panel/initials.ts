/**
 * Up to two initials for a tile: "Alex Lee (agent)" -> "AL", "Cliente" -> "C". A part in brackets
 * is a note, not a name.
 */
export function initialsOf(name: string): string {
  const words = name.replace(/[([].*?[)\]]/g, ' ').trim().split(/\s+/).filter(Boolean);
  const letters = (words.length > 1 ? [words[0]!, words[words.length - 1]!] : words).map((word) => [...word][0]!.toLocaleUpperCase());
  return letters.join('') || '?';
}
