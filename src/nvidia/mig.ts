import { gfdCount, MAX_GPUS_PER_NODE, MIG_RESOURCE_PREFIX } from "./resources.js";
import { MIG_PRODUCTS, type MigProduct, type MigProfile } from "./mig-products.js";

export type { MigProduct, MigProfile } from "./mig-products.js";

const byName = new Map(MIG_PRODUCTS.map((p) => [p.name, p]));

function known(...names: string[]): MigProduct[] {
  return names.map((n) => byName.get(n)).filter((p): p is MigProduct => p !== undefined);
}

/** Products without MIG (NVIDIA MIG User Guide lists the GPUs that have it): token of the product name. */
const NO_MIG = new Set([
  "L4",
  "L20",
  "L40",
  "L40S",
  "T4",
  "V100",
  "P100",
  "P40",
  "P4",
  "A10",
  "A10G",
  "A16",
  "A2",
  "A40",
  "A6000",
]);

type Tokens = ReadonlySet<string>;

/** Name tokens → products, most specific first (GB300 before B300, GH200 before H200, NVL before H100). */
const RULES: readonly [(t: Tokens, name: string) => boolean, () => MigProduct[]][] = [
  [(t) => t.has("GB300"), () => known("GB300")],
  [(t) => t.has("GB200"), () => known("GB200")],
  [(t) => t.has("B300"), () => known("B300")],
  [(t) => t.has("B200"), () => known("B200")],
  [(t) => t.has("GH200") && [...t].some((x) => x.startsWith("144")), () => known("GH200 144G HBM3e")],
  [(t) => t.has("GH200") || t.has("H20") || t.has("PG506"), () => known("H100-96GB, GH200, H20")],
  [(t) => t.has("H200"), () => known("H200")],
  [
    (t) => (t.has("H100") || t.has("H800")) && (t.has("NVL") || [...t].some((x) => x.startsWith("94"))),
    () => known("H100 NVL"),
  ],
  [
    (t) => (t.has("H100") || t.has("H800")) && [...t].some((x) => x.startsWith("96")),
    () => known("H100-96GB, GH200, H20"),
  ],
  [(t) => t.has("H100") || t.has("H800"), () => known("A100-80GB, H100-80GB")],
  [(t) => (t.has("A100") || t.has("A800")) && t.has("40GB"), () => known("A100-40GB")],
  [(t) => (t.has("A100") || t.has("A800")) && t.has("80GB"), () => known("A100-80GB, H100-80GB")],
  [(t) => t.has("A100") || t.has("A800"), () => known("A100-40GB", "A100-80GB, H100-80GB")],
  [(t) => t.has("A30") || t.has("A30X"), () => known("A30-24GB")],
  [(_, n) => /RTX-PRO-6000.*BLACKWELL/.test(n), () => known("RTX PRO 6000 Blackwell")],
  [(t) => [...t].some((x) => NO_MIG.has(x)) || t.has("RTX") || t.has("QUADRO"), () => []],
];

const cache = new Map<string, MigProduct[] | undefined>();

/**
 * The MIG products a GPU product name may be, as GPU Feature Discovery writes it in
 * `nvidia.com/gpu.product` (the NVML name with spaces as '-': `NVIDIA-A100-SXM4-80GB`,
 * `NVIDIA-H100-NVL`, `NVIDIA-GH200-144G-HBM3e`) or as an InferenceService's `gpu.type`
 * (`nvidia-a100`, which does not say its memory: both A100s). Empty for a known product without
 * MIG; undefined for a name inferplane does not know — not a reason to refuse it (read the
 * node's GFD labels instead: gfdMigProfiles). Memoised: admission asks for the same few names.
 */
export function migProductsOf(product: string): MigProduct[] | undefined {
  if (cache.has(product)) return cache.get(product);
  const name = product.toUpperCase().replace(/[\s_]+/g, "-");
  const tokens = new Set(name.split("-"));
  const found = RULES.find(([matches]) => matches(tokens, name))?.[1]();
  cache.set(product, found);
  return found;
}

/** The profiles a product offers (the union when its name fits several); [] without MIG; undefined when unknown. */
export function profilesFor(product: string): MigProfile[] | undefined {
  const products = migProductsOf(product);
  return products && [...new Map(products.flatMap((p) => p.profiles).map((p) => [p.name, p])).values()];
}

/** The first known product's profile of that name (for a GPU whose product is not given). */
export function anyProfile(name: string): MigProfile | undefined {
  for (const p of MIG_PRODUCTS) {
    const found = p.profiles.find((profile) => profile.name === name);
    if (found) return found;
  }
  return undefined;
}

/** The slices of one GPU of a product (the first one its name fits), or an A100's 7 and 8 when not known. */
export function geometryOf(product: string | undefined): { compute: number; memory: number } {
  const first = product ? migProductsOf(product)?.[0] : undefined;
  return first ? { compute: first.compute, memory: first.memory } : { compute: 7, memory: 8 };
}

/** The device plugin's resource for a profile under the mixed strategy: `nvidia.com/mig-3g.40gb`, `+me` → `.me`. */
export function migResourceName(profile: string): string {
  return `${MIG_RESOURCE_PREFIX}${profile.replace("+", ".")}`;
}

const GFD_MIG_COUNT = /^nvidia\.com\/mig-(.+)\.count$/;

/**
 * The MIG devices a node offers by GPU Feature Discovery's labels (`nvidia.com/mig-<profile>.count`,
 * present under the mixed strategy), as device-plugin resource names (`nvidia.com/mig-1g.10gb.me`).
 */
export function gfdMigResources(labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {}).flatMap(([key, count]) => {
    const match = GFD_MIG_COUNT.exec(key);
    return match && (gfdCount(count) ?? 0) > 0 ? [`${MIG_RESOURCE_PREFIX}${match[1] ?? ""}`] : [];
  });
}

/** The GPU Operator's product label under the single strategy: `<product>-MIG-<profile>`. */
export function migProductLabel(product: string, profile: string): string {
  return `${product}-MIG-${profile}`;
}

/** `count` instances of one profile. */
export interface MigCount {
  profile: MigProfile;
  count: number;
}

interface PackedGpu {
  compute: number;
  memory: number;
  parts: MigProfile[];
}

/** Places one instance on the first GPU with room, or a new GPU; false when that would be more than `maxGpus`. */
function place(
  gpus: PackedGpu[],
  p: MigProfile,
  geometry: { compute: number; memory: number },
  maxGpus: number,
): boolean {
  const gpu = gpus.find(
    (g) => g.compute + p.compute <= geometry.compute && g.memory + p.memorySlices <= geometry.memory,
  );
  if (gpu) {
    gpu.compute += p.compute;
    gpu.memory += p.memorySlices;
    gpu.parts.push(p);
    return true;
  }
  if (gpus.length >= maxGpus) return false;
  gpus.push({ compute: p.compute, memory: p.memorySlices, parts: [p] });
  return true;
}

/**
 * Packs a MIG layout — profiles and their counts — onto GPUs of `geometry` (largest first, each on
 * the first GPU with room) and returns the GPUs it takes; undefined when one instance cannot fit a
 * GPU at all, or when the layout needs more than `maxGpus` GPUs (one node's). Its cost is bounded
 * by `maxGpus` × the instances a GPU holds, whatever the counts: it stops at the first instance
 * that does not fit.
 */
export function packLayout(
  layout: readonly MigCount[],
  geometry: { compute: number; memory: number } = { compute: 7, memory: 8 },
  maxGpus: number = MAX_GPUS_PER_NODE,
): MigProfile[][] | undefined {
  const gpus: PackedGpu[] = [];
  const sorted = [...layout].sort(
    (a, b) => b.profile.memorySlices - a.profile.memorySlices || b.profile.compute - a.profile.compute,
  );
  for (const { profile: p, count } of sorted) {
    const takes = p.compute >= 1 || p.memorySlices >= 1;
    if (!takes || p.compute > geometry.compute || p.memorySlices > geometry.memory) return undefined;
    for (let i = 0; i < count; i++) if (!place(gpus, p, geometry, maxGpus)) return undefined;
  }
  return gpus.map((g) => g.parts);
}
