import { distance } from "fastest-levenshtein";

/**
 * The known name closest to a misspelt one — `replica` → `replicas`, `--prot` → `--port` — as
 * kubectl and git suggest: the smallest Levenshtein distance (case-insensitive, ties to the first
 * candidate), and only when it is at most a third of the word's length (at least 2), so that an
 * unrelated word gets no suggestion. Undefined when nothing is that close.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const d = distance(lower, name.toLowerCase());
    if (d <= limit && (best === undefined || d < best.distance)) best = { name, distance: d };
  }
  return best?.name;
}
