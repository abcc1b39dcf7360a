import type { LabelSelectorRequirement, MemberSelector } from "./hypernode.js";

export interface Candidate {
  name: string;
  labels: Record<string, string>;
}

function requirementHolds(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const value = labels[req.key];
  switch (req.operator) {
    case "In":
      return value !== undefined && (req.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(req.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      return false;
  }
}

/**
 * The candidates a member selector picks. Throws (with the reason) for a regex that does not
 * compile, so the topology can report it and skip the member.
 */
export function selectMembers(
  selector: MemberSelector,
  candidates: readonly Candidate[],
  allowLabels: boolean,
): Candidate[] {
  if (selector.exactMatch) return candidates.filter((c) => c.name === selector.exactMatch?.name);
  if (selector.regexMatch) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(selector.regexMatch.pattern);
    } catch (err) {
      throw new Error(
        `regexMatch ${JSON.stringify(selector.regexMatch.pattern)} does not compile: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return candidates.filter((c) => pattern.test(c.name));
  }
  if (selector.labelMatch) {
    if (!allowLabels) throw new Error("labelMatch selects Node members only");
    const { matchLabels = {}, matchExpressions = [] } = selector.labelMatch;
    return candidates.filter(
      (c) =>
        Object.entries(matchLabels).every(([k, v]) => c.labels[k] === v) &&
        matchExpressions.every((r) => requirementHolds(r, c.labels)),
    );
  }
  throw new Error("selector has none of exactMatch, regexMatch, labelMatch");
}
