/**
 * The candidate nodes of an extender call, read only as far as a verb needs them: in
 * nodeCacheCapable mode kube-scheduler sends every feasible node's name (5,000 in a large
 * cluster), while a gang member's answer only asks whether its planned node is among them.
 */
export interface Candidates {
  has(name: string): boolean;
  /** Every name, in the request's order. */
  names(): readonly string[];
  readonly count: number;
  /** The names as the request's JSON array, to echo without serializing them again. */
  json(): string;
}

class ListedCandidates implements Candidates {
  private set: Set<string> | undefined;

  constructor(private readonly list: readonly string[]) {}

  has(name: string): boolean {
    this.set ??= new Set(this.list);
    return this.set.has(name);
  }

  names(): readonly string[] {
    return this.list;
  }

  get count(): number {
    return this.list.length;
  }

  json(): string {
    return JSON.stringify(this.list);
  }
}

/**
 * Names still in the request's text, a JSON array of plain strings (no escapes: node names are
 * DNS subdomains), so `"name"` occurs in it exactly where that name is an element.
 */
class RawCandidates implements Candidates {
  private parsed: string[] | undefined;
  private counted: number | undefined;

  constructor(private readonly raw: string) {}

  has(name: string): boolean {
    return this.raw.includes(`"${name}"`);
  }

  names(): readonly string[] {
    this.parsed ??= JSON.parse(this.raw) as string[];
    return this.parsed;
  }

  get count(): number {
    if (this.counted === undefined) {
      let commas = 0;
      for (let i = this.raw.indexOf(","); i >= 0; i = this.raw.indexOf(",", i + 1)) commas++;
      this.counted = this.raw === "[]" ? 0 : commas + 1;
    }
    return this.counted;
  }

  json(): string {
    return this.raw;
  }
}

/** A JSON array of strings without escapes, as kube-scheduler (Go json.Marshal) writes node names. */
const PLAIN_NAMES = /^\[(?:"[^"\\]*"(?:,"[^"\\]*")*)?\]$/;

export function listedCandidates(names: readonly string[]): Candidates {
  return new ListedCandidates(names);
}

/** The raw array as candidates, or undefined when it is not a plain array of names. */
export function rawCandidates(raw: string): Candidates | undefined {
  return PLAIN_NAMES.test(raw) ? new RawCandidates(raw) : undefined;
}

export function toCandidates(candidates: readonly string[] | Candidates): Candidates {
  return Array.isArray(candidates) ? listedCandidates(candidates) : (candidates as Candidates);
}
