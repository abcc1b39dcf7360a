import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import type { GPUPool } from "../../src/apis/inference-ai.js";
import { gpuPoolReconciler } from "../../src/controllers/gpupool/reconciler.js";
import {
  devicePluginConfig,
  expectedAllocatable,
  migLayout,
  poolConfigProblems,
  poolKey,
  poolResources,
  sharingReplicas,
} from "../../src/controllers/gpupool/pool-config.js";
import { DEFAULT_GPU_POOL_SETTINGS } from "../../src/controllers/gpupool/settings.js";
import type { KubeObject } from "../../src/kube/object.js";
import { devicePluginConfigProblems } from "../../src/nvidia/device-plugin.js";
import { profilesFor } from "../../src/nvidia/mig.js";
import {
  migLayoutProblems,
  migPartedConfigProblems,
  parseNvidiaYaml,
  type MigConfigSpec,
} from "../../src/nvidia/mig-parted.js";
import { gpuPoolFindings } from "../../webhooks/validators/gpu-resources.js";
import { EXAMPLES, FIXTURES } from "../support/fixtures.js";
import { A100, gpuNode, gpuPool } from "../support/gpupool.js";
import { assertValidKubernetes } from "../support/schema.js";
import { StaticView } from "../support/static-view.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const EVEN = [0, 2, 4, 6, 8, 10, 12, 14];
const ODD = [1, 3, 5, 7, 9, 11, 13, 15];

function documents(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as KubeObject);
}

const SEED_POOL = documents(join(FIXTURES, "seed-examples.yaml")).find((o) => o.kind === "GPUPool") as GPUPool;
const EXAMPLE_POOLS = documents(join(EXAMPLES, "gpu", "pool-and-caches.yaml")).filter(
  (o) => o.kind === "GPUPool",
) as GPUPool[];

type Data = Record<string, string>;

/** The ConfigMaps one pool's pass writes, read back as NVIDIA reads them. */
function written(
  pools: GPUPool[],
  pool: GPUPool,
  nodes: KubeObject[] = [],
): { devicePlugin: Data; migParted: Record<string, MigConfigSpec[]> } {
  const desired = gpuPoolReconciler().desired(pool, new StaticView([...pools, ...nodes]), NOW);
  const [devicePlugin, migParted] = desired.children as (KubeObject & { data: Data })[];
  for (const cm of [devicePlugin!, migParted!]) assertValidKubernetes(cm);
  const file = parseNvidiaYaml(migParted!.data["config.yaml"]!) as { "mig-configs": Record<string, MigConfigSpec[]> };
  assert.deepEqual(migPartedConfigProblems(file), []);
  for (const text of Object.values(devicePlugin!.data))
    assert.deepEqual(devicePluginConfigProblems(parseNvidiaYaml(text)), [], text);
  return { devicePlugin: devicePlugin!.data, migParted: file["mig-configs"] };
}

describe("GPUPool desired(): the device-plugin config and mig-parted layout of every sharing mode", () => {
  const cases: [string, GPUPool["spec"], unknown, MigConfigSpec[] | undefined][] = [
    ["exclusive", { sharing: { mode: "exclusive" } }, { version: "v1", flags: { migStrategy: "none" } }, undefined],
    [
      "timeslice, 2 clients by default",
      { sharing: { mode: "timeslice" } },
      {
        version: "v1",
        flags: { migStrategy: "none" },
        sharing: { timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } },
      },
      undefined,
    ],
    [
      "timeslice oversubscribed 3.5, renamed: ceil → 4 replicas of nvidia.com/gpu.shared",
      { sharing: { mode: "timeslice", renameSharedResource: true }, oversubscription: { enabled: true, ratio: "3.5" } },
      {
        version: "v1",
        flags: { migStrategy: "none" },
        sharing: { timeSlicing: { renameByDefault: true, resources: [{ name: "nvidia.com/gpu", replicas: 4 }] } },
      },
      undefined,
    ],
    [
      "mps at 25% of the SMs: 4 clients",
      { sharing: { mode: "mps", mps: { threadPercentage: 25 } } },
      {
        version: "v1",
        flags: { migStrategy: "none" },
        sharing: { mps: { resources: [{ name: "nvidia.com/gpu", replicas: 4 }] } },
      },
      undefined,
    ],
    [
      "mps oversubscribed 2 (the ratio wins over the SM share)",
      { sharing: { mode: "mps", mps: { threadPercentage: 10 } }, oversubscription: { enabled: true, ratio: 2 } },
      {
        version: "v1",
        flags: { migStrategy: "none" },
        sharing: { mps: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } },
      },
      undefined,
    ],
    [
      "mig mixed: every GPU 2 × 3g.40gb",
      { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb", count: 2 }] } },
      { version: "v1", flags: { migStrategy: "mixed" } },
      [{ devices: "all", "mig-enabled": true, "mig-devices": { "3g.40gb": 2 } }],
    ],
    [
      "mig single, oversubscribed: the MIG devices (nvidia.com/gpu) time-sliced",
      {
        gpuProduct: A100,
        sharing: { mode: "mig", migStrategy: "single", profiles: [{ name: "1g.10gb", count: 7 }] },
        oversubscription: { enabled: true, ratio: 2 },
      },
      {
        version: "v1",
        flags: { migStrategy: "single" },
        sharing: { timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } },
      },
      [{ devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } }],
    ],
    [
      "the seed's pool: a layout of two GPUs, written for even and odd indices; each MIG device time-sliced 1.5 → 2",
      SEED_POOL.spec,
      {
        version: "v1",
        flags: { migStrategy: "mixed" },
        sharing: {
          timeSlicing: {
            resources: [
              { name: "nvidia.com/mig-3g.40gb", replicas: 2 },
              { name: "nvidia.com/mig-1g.10gb", replicas: 2 },
            ],
          },
        },
      },
      [
        { devices: EVEN, "mig-enabled": true, "mig-devices": { "3g.40gb": 2 } },
        { devices: ODD, "mig-enabled": true, "mig-devices": { "1g.10gb": 4 } },
      ],
    ],
  ];
  for (const [what, spec, config, layout] of cases)
    it(what, () => {
      const pool = gpuPool("p", spec);
      assert.deepEqual(poolConfigProblems(pool), []);
      const files = written([pool], pool);
      assert.deepEqual(parseNvidiaYaml(files.devicePlugin.p!), config);
      assert.deepEqual(files.migParted.p, layout);
      assert.deepEqual(
        files.migParted["all-disabled"],
        [{ devices: "all", "mig-enabled": false }],
        "GPU Operator's default layout",
      );
    });

  it("says what a configured node advertises: the seed's pool on 8 A100s has 8 × 3g.40gb and 16 × 1g.10gb, each twice", () => {
    const pool = gpuPool("seed", SEED_POOL.spec);
    assert.deepEqual(poolResources(pool), ["nvidia.com/mig-3g.40gb", "nvidia.com/mig-1g.10gb"]);
    assert.deepEqual(expectedAllocatable(pool, 8), { "nvidia.com/mig-3g.40gb": 16, "nvidia.com/mig-1g.10gb": 32 });
    const renamed = gpuPool("r", { sharing: { mode: "mps", renameSharedResource: true } });
    assert.deepEqual(poolResources(renamed), ["nvidia.com/gpu.shared"]);
    assert.deepEqual(expectedAllocatable(renamed, 4), { "nvidia.com/gpu.shared": 8 });
  });

  it("writes what no NVIDIA reader would refuse for neither: a pool named like GPU Operator's layout, MIG on an L4", () => {
    assert.match(
      poolConfigProblems(gpuPool("all-disabled", { sharing: { mode: "mig", profiles: [{ name: "1g.10gb" }] } })).join(),
      /GPU Operator's own MIG layout/,
    );
    const l4 = gpuPool("l4", { gpuProduct: "NVIDIA-L4", sharing: { mode: "mig", profiles: [{ name: "1g.10gb" }] } });
    assert.match(poolConfigProblems(l4).join(), /NVIDIA-L4 has no MIG/);
    const files = written([l4, gpuPool("ok", { sharing: { mode: "exclusive" } })], l4);
    assert.deepEqual(
      Object.keys(files.devicePlugin),
      ["ok"],
      "a pool that cannot be written is left out, the others stay",
    );
    assert.equal(files.migParted.l4, undefined);
  });

  it("keys a long name for a label value: at most 63 characters, still unique", () => {
    const long = gpuPool(`${"a".repeat(70)}.pool`, { sharing: { mode: "exclusive" } });
    const other = gpuPool(`${"a".repeat(70)}.other`, { sharing: { mode: "exclusive" } });
    assert.ok(poolKey(long).length <= 63 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(poolKey(long)));
    assert.notEqual(poolKey(long), poolKey(other));
  });

  it("merges every pool into the two ConfigMaps, and keeps a gone pool's key while a node's label names it", () => {
    const a = gpuPool("a", { sharing: { mode: "timeslice" } });
    const b = gpuPool("b", { gpuProduct: A100, sharing: { mode: "mig", profiles: [{ name: "3g.40gb", count: 2 }] } });
    const first = written([a, b], a);
    assert.deepEqual(Object.keys(first.devicePlugin), ["a", "b"]);
    assert.deepEqual(Object.keys(first.migParted), ["all-disabled", "b"]);
    assert.deepEqual(written([a, b], b), first, "every pool's pass writes the same whole");
    // b is gone; a node still names its key and layout: they stay (NVIDIA's config-manager fails on a missing key).
    const live = gpuPoolReconciler().desired(a, new StaticView([a, b]), NOW).children;
    const node = gpuNode("n1", { "nvidia.com/device-plugin.config": "b", "nvidia.com/mig.config": "b" });
    const after = written([a], a, [...live, node]);
    assert.deepEqual(Object.keys(after.devicePlugin), ["a", "b"]);
    assert.deepEqual(Object.keys(after.migParted), ["all-disabled", "b"]);
    const released = written([a], a, [...live, gpuNode("n1", {})]);
    assert.deepEqual([Object.keys(released.devicePlugin), Object.keys(released.migParted)], [["a"], ["all-disabled"]]);
  });

  it("labels nodes only with node writes: a pool's own, never a conflicting one, and releases nodes no pool selects", () => {
    const a = gpuPool("a", {
      nodeSelector: { rack: "1" },
      gpuProduct: A100,
      sharing: { mode: "mig", profiles: [{ name: "3g.40gb", count: 2 }] },
    });
    const b = gpuPool("b", { nodeSelector: { zone: "x" }, sharing: { mode: "timeslice" } });
    const nodes = [
      gpuNode("mine", { rack: "1" }),
      gpuNode("both", { rack: "1", zone: "x" }),
      gpuNode("left", { "nvidia.com/device-plugin.config": "a", "nvidia.com/mig.config": "a" }),
      gpuNode("other", { zone: "x", "nvidia.com/mig.config": "a" }),
      gpuNode("cpu", { rack: "1" }, {}, 0),
    ];
    const view = new StaticView([a, b, ...nodes]);
    assert.equal(gpuPoolReconciler().desired(a, view, NOW).labels, undefined, "node writes are off by default");
    const writes = gpuPoolReconciler({ ...DEFAULT_GPU_POOL_SETTINGS, nodeWrites: true });
    const patches = (pool: GPUPool): Record<string, unknown> =>
      Object.fromEntries((writes.desired(pool, view, NOW).labels ?? []).map((p) => [p.name, p.labels]));
    assert.deepEqual(patches(a), {
      mine: { "nvidia.com/device-plugin.config": "a", "nvidia.com/mig.config": "a" },
      left: { "nvidia.com/device-plugin.config": null, "nvidia.com/mig.config": "all-disabled" },
    });
    assert.deepEqual(patches(b), {
      left: { "nvidia.com/device-plugin.config": null, "nvidia.com/mig.config": "all-disabled" },
      other: { "nvidia.com/device-plugin.config": "b", "nvidia.com/mig.config": "all-disabled" },
    });
  });

  it("writes every example's and the seed's pools", () => {
    const pools = [...EXAMPLE_POOLS, SEED_POOL].map((p) => gpuPool(p.metadata.name ?? "", p.spec));
    assert.equal(pools.length, 3);
    for (const pool of pools) assert.deepEqual(poolConfigProblems(pool), [], pool.metadata.name);
    const files = written(pools, pools[0]!);
    assert.deepEqual(Object.keys(files.devicePlugin), ["a100-mig", "a100-pool", "l4-mps"]);
  });

  const PRODUCTS = ["NVIDIA-A100-SXM4-40GB", A100, "NVIDIA-H100-80GB-HBM3", "NVIDIA-H200"];
  const randomPool: fc.Arbitrary<GPUPool> = fc
    .record({
      mode: fc.constantFrom("exclusive", "mig", "mps", "timeslice"),
      product: fc.option(fc.constantFrom(...PRODUCTS), { nil: undefined }),
      migStrategy: fc.option(fc.constantFrom("mixed", "single"), { nil: undefined }),
      picks: fc.array(fc.record({ index: fc.nat(20), count: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      rename: fc.boolean(),
      over: fc.option(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom("1.5", "2.5", "3.99")), {
        nil: undefined,
      }),
      percent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    })
    .map(({ mode, product, migStrategy, picks, rename, over, percent }) => {
      const profiles = profilesFor(product ?? A100) ?? [];
      const chosen = picks.map((p) => ({ name: profiles[p.index % profiles.length]!.name, count: p.count }));
      return gpuPool("random", {
        ...(product ? { gpuProduct: product } : {}),
        sharing: {
          mode,
          ...(migStrategy ? { migStrategy } : {}),
          ...(mode === "mig" ? { profiles: chosen } : {}),
          ...(mode === "mps" && percent ? { mps: { threadPercentage: percent } } : {}),
          renameSharedResource: rename,
        },
        ...(over === undefined ? {} : { oversubscription: { enabled: true, ratio: over } }),
      });
    });

  it("writes, for every random pool the validating webhook admits, configs NVIDIA's readers accept (fast-check)", () => {
    fc.assert(
      fc.property(randomPool, (pool) => {
        if (gpuPoolFindings(pool).problems.length > 0) return;
        assert.deepEqual(poolConfigProblems(pool), [], JSON.stringify(pool.spec));
        const files = written([pool], pool);
        const config = parseNvidiaYaml(files.devicePlugin.random!) as ReturnType<typeof devicePluginConfig>;
        const replicas = sharingReplicas(pool);
        if (replicas !== undefined) assert.ok(replicas >= 2);
        assert.equal(config.sharing === undefined, replicas === undefined);
        const layout = migLayout(pool);
        if (layout && pool.spec.gpuProduct)
          assert.deepEqual(migLayoutProblems("random", layout, pool.spec.gpuProduct), []);
        // Every profile the pool lists is on some GPU of the layout, as many times as asked per GPU set.
        for (const { name } of pool.spec.sharing.profiles ?? [])
          assert.ok(layout?.some((e) => (e["mig-devices"]?.[name] ?? 0) > 0));
      }),
      { numRuns: 300 },
    );
  });
});
