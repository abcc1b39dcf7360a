import { MIG_RESOURCE_PREFIX } from "./resources.js";

/**
 * MIG profiles per GPU, as NVIDIA's mig-parted defaults name them: `<g>g.<mem>gb`, with `+me`
 * variants (media extensions) that the device plugin advertises as `.me`. A GPU has 7 compute
 * slices and 8 memory eighths; a profile takes g slices and some eighths.
 */
export interface MigProfile {
  name: string;
  compute: number;
  memoryEighths: number;
}

const EIGHTHS: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 4, 7: 8 };

function family(memories: [number, number, number, number, number, number]): MigProfile[] {
  const [m1, m1b, m2, m3, m4, m7] = memories;
  const base = [
    { compute: 1, gb: m1 },
    { compute: 1, gb: m1b, eighths: 2 },
    { compute: 2, gb: m2 },
    { compute: 3, gb: m3 },
    { compute: 4, gb: m4 },
    { compute: 7, gb: m7 },
  ];
  const profiles = base.map((p) => ({
    name: `${p.compute}g.${p.gb}gb`,
    compute: p.compute,
    memoryEighths: p.eighths ?? EIGHTHS[p.compute] ?? 8,
  }));
  return [...profiles, { name: `1g.${m1}gb+me`, compute: 1, memoryEighths: 1 }];
}

/** GPU families with MIG, by a key matched against product names. */
const MIG_FAMILIES: Readonly<Record<string, readonly MigProfile[]>> = {
  "A100-40GB": family([5, 10, 10, 20, 20, 40]),
  "A100-80GB": family([10, 20, 20, 40, 40, 80]),
  "H100-80GB": family([10, 20, 20, 40, 40, 80]),
  "H100-NVL-94GB": family([12, 24, 24, 47, 47, 94]),
  "H200-141GB": family([18, 35, 35, 71, 71, 141]),
};

const NO_MIG = /\b(L4|L40S?|T4|V100|A10G?|A30X?|A40|RTX)\b/i;

/**
 * The MIG families a GPU product may be: `NVIDIA-A100-SXM4-80GB` is A100-80GB; `nvidia-a100`
 * does not say its memory, so either A100. Empty when the product has no MIG; undefined when
 * the name is not one we know.
 */
function migFamilies(product: string): string[] | undefined {
  const p = product.toUpperCase();
  if (p.includes("H200")) return ["H200-141GB"];
  if (p.includes("H100") && (p.includes("NVL") || p.includes("94"))) return ["H100-NVL-94GB"];
  if (p.includes("H100")) return ["H100-80GB"];
  if (p.includes("A100") && p.includes("40GB")) return ["A100-40GB"];
  if (p.includes("A100") && p.includes("80GB")) return ["A100-80GB"];
  if (p.includes("A100")) return ["A100-40GB", "A100-80GB"];
  if (NO_MIG.test(p.replace(/-/g, " "))) return [];
  return undefined;
}

const byProduct = new Map<string, MigProfile[] | undefined>();

/** The profiles a product offers (memoised: admission asks for the same few products again and again). */
export function profilesFor(product: string): MigProfile[] | undefined {
  if (byProduct.has(product)) return byProduct.get(product);
  const families = migFamilies(product);
  const profiles = families && [
    ...new Map(families.flatMap((f) => MIG_FAMILIES[f] ?? []).map((p) => [p.name, p])).values(),
  ];
  byProduct.set(product, profiles);
  return profiles;
}

/** Any family's profile of that name (for a GPU whose product is not given). */
export function anyProfile(name: string): MigProfile | undefined {
  for (const profiles of Object.values(MIG_FAMILIES)) {
    const found = profiles.find((p) => p.name === name);
    if (found) return found;
  }
  return undefined;
}

/** The device plugin's resource for a profile under the mixed strategy: `nvidia.com/mig-3g.40gb`, `+me` → `.me`. */
export function migResourceName(profile: string): string {
  return `${MIG_RESOURCE_PREFIX}${profile.replace("+me", ".me")}`;
}

/** The GPU Operator's product label under the single strategy: `<product>-MIG-<profile>`. */
export function migProductLabel(product: string, profile: string): string {
  return `${product}-MIG-${profile}`;
}

/**
 * Packs a MIG layout onto GPUs (largest first, each GPU 7 slices and 8 eighths) and returns
 * the GPUs it takes, or undefined when one instance cannot fit a GPU at all.
 */
export function packLayout(instances: readonly MigProfile[]): MigProfile[][] | undefined {
  const gpus: { compute: number; memory: number; parts: MigProfile[] }[] = [];
  const sorted = [...instances].sort((a, b) => b.memoryEighths - a.memoryEighths || b.compute - a.compute);
  for (const p of sorted) {
    if (p.compute > 7 || p.memoryEighths > 8) return undefined;
    const gpu = gpus.find((g) => g.compute + p.compute <= 7 && g.memory + p.memoryEighths <= 8);
    if (gpu) {
      gpu.compute += p.compute;
      gpu.memory += p.memoryEighths;
      gpu.parts.push(p);
    } else gpus.push({ compute: p.compute, memory: p.memoryEighths, parts: [p] });
  }
  return gpus.map((g) => g.parts);
}
