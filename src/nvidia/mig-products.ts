/**
 * The MIG profiles of every GPU product NVIDIA's mig-parted knows, from its default configuration
 * (NVIDIA/mig-parted deployments/systemd/config-default.yaml at bd7160f4, copied with its provenance
 * to test/fixtures/nvidia/, where a test checks every profile and device filter of that file against
 * this table) and NVIDIA's MIG User Guide ("Supported MIG Profiles"). A GPU has `compute` slices and
 * `memory` slices; a profile takes some of each. The same name can take a different memory share on
 * another product (1g.35gb is 2 of 8 slices on an H200, 1 of 8 on a GB300), so profiles are per product.
 */

export interface MigProfile {
  /** `<g>g.<memory>gb`, with `+me` (media extensions), `+gfx`, `+me.all` or `-me` variants. */
  name: string;
  /** Compute (GPC) slices it takes. */
  compute: number;
  /** Memory slices it takes, of the product's `memory`. */
  memorySlices: number;
}

export interface MigProduct {
  /** As mig-parted's comments name it: `A100-40GB`, `H100 NVL`. */
  name: string;
  /** PCI device ids (mig-parted's `device-filter` is `0x<device><vendor 10DE>`). */
  deviceIds: readonly string[];
  /** Compute and memory slices of one GPU. */
  compute: number;
  memory: number;
  profiles: readonly MigProfile[];
}

/**
 * A 7-compute, 8-memory-slice GPU's profiles from the memory of one slice (`m`) and of the whole
 * GPU: 1g.<m>gb and its +me, 1g with two memory slices, 2g, 3g and 4g with 2, 4 and 4 slices, 7g.
 */
function sevenSlice(m: number, twoSlices: number, half: number, whole: number): MigProfile[] {
  return [
    { name: `1g.${m}gb`, compute: 1, memorySlices: 1 },
    { name: `1g.${m}gb+me`, compute: 1, memorySlices: 1 },
    { name: `1g.${twoSlices}gb`, compute: 1, memorySlices: 2 },
    { name: `2g.${twoSlices}gb`, compute: 2, memorySlices: 2 },
    { name: `3g.${half}gb`, compute: 3, memorySlices: 4 },
    { name: `4g.${half}gb`, compute: 4, memorySlices: 4 },
    { name: `7g.${whole}gb`, compute: 7, memorySlices: 8 },
  ];
}

function product(name: string, deviceIds: string[], profiles: MigProfile[], compute = 7, memory = 8): MigProduct {
  return { name, deviceIds, compute, memory, profiles };
}

/** Every product with MIG in mig-parted's default configuration. */
export const MIG_PRODUCTS: readonly MigProduct[] = [
  product("A100-40GB", ["20B0", "20B1", "20F1", "20F6"], sevenSlice(5, 10, 20, 40)),
  product(
    "A100-80GB, H100-80GB",
    ["20B2", "20B5", "20F3", "20F5", "2330", "2331", "2322", "2324"],
    sevenSlice(10, 20, 40, 80),
  ),
  product("H100 NVL", ["2321", "233A"], sevenSlice(12, 24, 47, 94)),
  product("H100-96GB, GH200, H20", ["2342", "233D", "20B6", "2329"], sevenSlice(12, 24, 48, 96)),
  product("H200", ["2335", "233B"], sevenSlice(18, 35, 71, 141)),
  product("GH200 144G HBM3e", ["2348"], sevenSlice(18, 36, 72, 144)),
  product("B200", ["2901"], sevenSlice(23, 45, 90, 180)),
  // GB200: current drivers' profiles, and the 189 GB set of earlier ones (the file keeps both).
  product(
    "GB200",
    ["2941"],
    [
      ...sevenSlice(23, 47, 93, 186),
      { name: "1g.24gb", compute: 1, memorySlices: 1 },
      { name: "1g.24gb+me", compute: 1, memorySlices: 1 },
      { name: "3g.95gb", compute: 3, memorySlices: 4 },
      { name: "4g.95gb", compute: 4, memorySlices: 4 },
      { name: "7g.189gb", compute: 7, memorySlices: 8 },
    ],
  ),
  product("B300", ["3182"], sevenSlice(34, 67, 135, 269)),
  product("GB300", ["31C2"], sevenSlice(35, 70, 139, 278)),
  product(
    "A30-24GB",
    ["20B7"],
    [
      { name: "1g.6gb", compute: 1, memorySlices: 1 },
      { name: "1g.6gb+me", compute: 1, memorySlices: 1 },
      { name: "2g.12gb", compute: 2, memorySlices: 2 },
      { name: "2g.12gb+me", compute: 2, memorySlices: 2 },
      { name: "4g.24gb", compute: 4, memorySlices: 4 },
    ],
    4,
    4,
  ),
  product(
    "RTX PRO 6000 Blackwell",
    ["2BB5"],
    ["", "+gfx", "+me.all", "-me"].flatMap((variant) => [
      { name: `1g.24gb${variant}`, compute: 1, memorySlices: 1 },
      { name: `2g.48gb${variant}`, compute: 2, memorySlices: 2 },
      ...(variant === "" || variant === "+gfx" ? [{ name: `4g.96gb${variant}`, compute: 4, memorySlices: 4 }] : []),
    ]),
    4,
    4,
  ),
];
