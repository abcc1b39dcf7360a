import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { MIG_PRODUCTS, type MigProduct } from "../../src/nvidia/mig-products.js";
import { gfdMigResources, migProductsOf, packLayout, profilesFor } from "../../src/nvidia/mig.js";
import { FIXTURES } from "../support/fixtures.js";

interface MigConfigEntry {
  "device-filter"?: string | string[];
  devices: "all" | number[];
  "mig-enabled": boolean;
  "mig-devices"?: Record<string, number>;
}

/** NVIDIA/mig-parted @bd7160f4 deployments/systemd/config-default.yaml (test/fixtures/nvidia/README.md). */
const config = parse(readFileSync(join(FIXTURES, "nvidia", "mig-parted-config-default.yaml"), "utf8")) as {
  version: string;
  "mig-configs": Record<string, MigConfigEntry[]>;
};

/** `0x20B010DE` → `20B0`: the device id; 10DE is NVIDIA's vendor id. */
function deviceIds(filter: string | string[]): string[] {
  return [filter].flat().map((f) => f.trim().toUpperCase().replace(/^0X/, "").replace(/10DE$/, ""));
}

/** The layout fits one GPU of the product (`devices: all` gives every GPU the whole layout). */
function fitsOneGpu(product: MigProduct, devices: Record<string, number>): boolean {
  const layout = Object.entries(devices).map(([name, count]) => ({
    profile: product.profiles.find((p) => p.name === name),
    count,
  }));
  if (layout.some((e) => e.profile === undefined)) return false;
  return (
    packLayout(layout as { profile: NonNullable<(typeof layout)[number]["profile"]>; count: number }[], product)
      ?.length === 1
  );
}

const layouts = Object.entries(config["mig-configs"]).flatMap(([name, entries]) =>
  entries
    .filter((e) => e["mig-enabled"] && Object.keys(e["mig-devices"] ?? {}).length > 0)
    .map((e) => ({ name, filter: e["device-filter"], devices: e["mig-devices"] ?? {} })),
);

describe("MIG products (NVIDIA mig-parted's defaults)", () => {
  it("reads the fixture: version v1 and its layouts", () => {
    assert.equal(config.version, "v1");
    assert.ok(layouts.length > 80, String(layouts.length));
  });

  it("knows every product a device filter names, and each such layout fits one GPU of it", () => {
    for (const { name, filter, devices } of layouts.filter((l) => l.filter !== undefined)) {
      for (const id of deviceIds(filter!)) {
        const product = MIG_PRODUCTS.find((p) => p.deviceIds.includes(id));
        assert.ok(product, `${name}: device ${id} is no known product`);
        assert.ok(fitsOneGpu(product, devices), `${name} on ${product.name}: ${JSON.stringify(devices)}`);
      }
    }
  });

  it("has, for every layout for all devices, a product whose profiles hold it on one GPU", () => {
    for (const { name, devices } of layouts.filter((l) => l.filter === undefined))
      assert.ok(
        MIG_PRODUCTS.some((p) => fitsOneGpu(p, devices)),
        `${name}: ${JSON.stringify(devices)}`,
      );
  });

  it("lists every profile the file names", () => {
    const ours = new Set(MIG_PRODUCTS.flatMap((p) => p.profiles.map((x) => x.name)));
    const theirs = new Set(layouts.flatMap((l) => Object.keys(l.devices)));
    assert.deepEqual(
      [...theirs].filter((p) => !ours.has(p)),
      [],
    );
  });

  // GPU Feature Discovery's nvidia.com/gpu.product values (NVML names, spaces as '-') and InferenceService gpu.type.
  const names: Array<[string, string[] | undefined]> = [
    ["NVIDIA-A100-SXM4-40GB", ["A100-40GB"]],
    ["NVIDIA-A100-80GB-PCIe", ["A100-80GB, H100-80GB"]],
    ["nvidia-a100", ["A100-40GB", "A100-80GB, H100-80GB"]],
    ["NVIDIA-A30", ["A30-24GB"]],
    ["NVIDIA-H100-80GB-HBM3", ["A100-80GB, H100-80GB"]],
    ["NVIDIA-H100-NVL", ["H100 NVL"]],
    ["NVIDIA-H20", ["H100-96GB, GH200, H20"]],
    ["NVIDIA-GH200-480GB", ["H100-96GB, GH200, H20"]],
    ["NVIDIA-GH200-144G-HBM3e", ["GH200 144G HBM3e"]],
    ["NVIDIA-H200", ["H200"]],
    ["NVIDIA-H200-NVL", ["H200"]],
    ["NVIDIA-B200", ["B200"]],
    ["NVIDIA-GB200", ["GB200"]],
    ["NVIDIA-B300-SXM6-AC", ["B300"]],
    ["NVIDIA-GB300", ["GB300"]],
    ["NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition", ["RTX PRO 6000 Blackwell"]],
    ["NVIDIA-L4", []],
    ["NVIDIA-RTX-A6000", []],
    ["NVIDIA-Frobnicator-9000", undefined],
  ];
  for (const [name, expected] of names)
    it(`reads ${name} as ${expected === undefined ? "unknown" : expected.length === 0 ? "no MIG" : expected.join(" or ")}`, () => {
      assert.deepEqual(
        migProductsOf(name)?.map((p) => p.name),
        expected,
      );
    });

  it("gives the same profile name each product's own memory share (1g.35gb: 2 of 8 on H200, 1 on GB300)", () => {
    assert.equal(profilesFor("NVIDIA-H200")?.find((p) => p.name === "1g.35gb")?.memorySlices, 2);
    assert.equal(profilesFor("NVIDIA-GB300")?.find((p) => p.name === "1g.35gb")?.memorySlices, 1);
  });

  it("reads the MIG devices a node offers from GFD's nvidia.com/mig-<profile>.count labels", () => {
    assert.deepEqual(
      gfdMigResources({
        "nvidia.com/gpu.product": "NVIDIA-X1",
        "nvidia.com/mig-1g.12gb.count": "7",
        "nvidia.com/mig-1g.12gb.memory": "11008",
        "nvidia.com/mig-2g.24gb.count": "0",
        "nvidia.com/mig-1g.12gb.me.count": "1",
      }),
      ["nvidia.com/mig-1g.12gb", "nvidia.com/mig-1g.12gb.me"],
    );
  });
});
