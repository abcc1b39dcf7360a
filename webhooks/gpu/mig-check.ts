import type { Node } from "kubernetes-types/core/v1.js";
import { anyProfile, gfdMigResources, migResourceName, profilesFor } from "../../src/nvidia/mig.js";
import { LABEL_GPU_PRODUCT } from "../../src/nvidia/resources.js";
import { QUALIFIED_NAME_RULE } from "../../src/kube/validation.js";
import type { FieldError } from "../field-errors.js";

/** What is wrong and how to fix it, before the field it is reported against is known. */
export type Problem = Omit<FieldError, "path">;

/**
 * Why a MIG profile cannot be used on a product: a product known to have no MIG, or a known
 * product that lacks the profile (NVIDIA mig-parted's defaults, src/nvidia/mig-products.ts); with no
 * product, a profile no known product has. A product inferplane does not know is never a reason:
 * undefined (the pod path reads its nodes' GFD labels and warns, migCheck).
 */
export function migProfileProblem(profile: string, product: string | undefined): Problem | undefined {
  const known = product ? profilesFor(product) : undefined;
  if (product && known === undefined) return undefined;
  if (known?.length === 0)
    return { detail: `${product ?? ""} has no MIG`, fix: "use sharing exclusive, mps or timeslice" };
  if (known ? known.some((p) => p.name === profile) : anyProfile(profile) !== undefined) return undefined;
  const names = (known ?? []).map((p) => p.name).join(", ");
  return {
    detail: `MIG profile ${profile} does not exist${product ? ` on ${product}` : " on any GPU NVIDIA's mig-parted knows"}`,
    fix: names ? `use one of ${names}` : "name the pool's gpuProduct, or use a profile such as 3g.40gb",
  };
}

/** The device-plugin resource of a profile must be a resource name the apiserver accepts (a qualified name). */
function resourceNameProblem(profile: string): Problem | undefined {
  const errors = QUALIFIED_NAME_RULE.check(migResourceName(profile));
  return errors.length === 0
    ? undefined
    : {
        detail: `${migResourceName(profile)} is not a resource name: ${errors.join(" and ")}`,
        fix: "name a MIG profile like 3g.40gb",
      };
}

/** Nodes that advertise the profile's MIG device through GFD labels, of the product when one is given. */
function advertisedBy(nodes: readonly Node[], profile: string, product: string | undefined): number {
  const resource = migResourceName(profile);
  return nodes.filter(
    (n) =>
      (!product || n.metadata?.labels?.[LABEL_GPU_PRODUCT] === product) &&
      gfdMigResources(n.metadata?.labels).includes(resource),
  ).length;
}

/** `invalid`: no profile name at all (422); `problem`: the GPU lacks it (403); `warning`: not known, allowed. */
export interface MigVerdict {
  invalid?: Problem;
  problem?: Problem;
  warning?: string;
}

/**
 * A MIG profile for a pod, against mig-parted's products and the nodes' GPU Feature Discovery
 * labels (`nvidia.com/gpu.product`, `nvidia.com/mig-<profile>.count`): a problem (refuse) only when
 * a known product lacks it; a product inferplane does not know is checked against its nodes' labels
 * and warned about, never refused.
 */
export function migCheck(profile: string, product: string | undefined, nodes: readonly Node[]): MigVerdict {
  const invalid = resourceNameProblem(profile);
  if (invalid) return { invalid };
  const problem = migProfileProblem(profile, product);
  if (problem && (product || advertisedBy(nodes, profile, undefined) === 0)) return { problem };
  if (!product || profilesFor(product) !== undefined) return {};
  const offered = advertisedBy(nodes, profile, product);
  return {
    warning:
      offered > 0
        ? `GPU ${product} is not in mig-parted's defaults; ${offered} of its nodes offer MIG ${profile} (GFD)`
        : `GPU ${product} is not in mig-parted's defaults and no node of it offers MIG ${profile} yet (GFD)`,
  };
}
