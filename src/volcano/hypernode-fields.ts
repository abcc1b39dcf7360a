import type { HyperNode } from "./hypernode.js";

/**
 * Every field of the HyperNode version inferplane reads (volcano-sh/apis topology/v1alpha1
 * HyperNodeSpec, MemberSpec, MemberSelector), each honoured by the topology: `tier` orders the
 * search, `tierName` names a tier for a PodGroup's `networkTopology.highestTierName`, `members`
 * select nodes (exactMatch, regexMatch, labelMatch) and HyperNodes (exactMatch, regexMatch).
 */
const SPEC_FIELDS = new Set(["tier", "tierName", "members"]);
const MEMBER_FIELDS = new Set(["type", "selector"]);
const SELECTOR_FIELDS = new Set(["exactMatch", "regexMatch", "labelMatch"]);

function unknownKeys(value: unknown, known: ReadonlySet<string>): string[] {
  return typeof value === "object" && value !== null ? Object.keys(value).filter((k) => !known.has(k)) : [];
}

function memberRefusal(member: unknown, i: number): string | undefined {
  const path = `spec.members[${i}]`;
  const extra = unknownKeys(member, MEMBER_FIELDS);
  if (extra.length > 0) return `${path}.${extra[0] ?? ""} is a field inferplane does not know`;
  const { type, selector } = member as { type?: unknown; selector?: unknown };
  if (type !== "Node" && type !== "HyperNode")
    return `${path}.type ${JSON.stringify(type)} is neither Node nor HyperNode`;
  const extraSelector = unknownKeys(selector, SELECTOR_FIELDS);
  if (extraSelector.length > 0) return `${path}.selector.${extraSelector[0] ?? ""} is a field inferplane does not know`;
  const set = Object.keys(selector ?? {}).filter((k) => SELECTOR_FIELDS.has(k));
  // Volcano's CRD: "Only one of ExactMatch, RegexMatch, or LabelMatch can be specified".
  return set.length > 1 ? `${path}.selector sets ${set.join(" and ")}; only one may be set` : undefined;
}

/**
 * Why a HyperNode cannot be used as written — a field inferplane does not read, a tier that is not
 * an integer ≥ 0, a member of unknown type or with two selectors — or undefined. A refused
 * HyperNode is left out of placement and reported (never silently half-read).
 */
export function hyperNodeRefusal(hn: HyperNode): string | undefined {
  const extra = unknownKeys(hn.spec, SPEC_FIELDS);
  if (extra.length > 0) return `spec.${extra[0] ?? ""} is a field inferplane does not know`;
  const tier: unknown = hn.spec.tier;
  if (typeof tier !== "number" || !Number.isInteger(tier) || tier < 0)
    return `spec.tier ${JSON.stringify(tier)} is not an integer ≥ 0`;
  const members: unknown = hn.spec.members ?? [];
  if (!Array.isArray(members)) return "spec.members is not a list";
  for (const [i, member] of members.entries()) {
    const refusal = memberRefusal(member, i);
    if (refusal) return refusal;
  }
  return undefined;
}
