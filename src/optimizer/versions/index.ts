import { hasField, type JsonObject, type Origin } from "../json-fields.js";
import type { DataVersion } from "../spec.js";
import type { VersionRules } from "./rules.js";
import { V1 } from "./v1.js";
import { V2 } from "./v2.js";
import { V3 } from "./v3.js";

export type { VersionRules } from "./rules.js";

const RULES: Record<DataVersion, VersionRules> = { v1: V1, v2: V2, v3: V3 };

export function rulesFor(version: DataVersion): VersionRules {
  return RULES[version];
}

/** The version of a model-data file, from its first entry: perfParms is V3, decodeParms V2, else V1. */
export function detectVersion(models: readonly JsonObject[], origin: Origin): DataVersion {
  const first = models[0];
  if (first === undefined) throw origin.at("models").error("no performance data: the list is empty");
  if (hasField(first, "perfParms")) return "v3";
  return hasField(first, "decodeParms") ? "v2" : "v1";
}
