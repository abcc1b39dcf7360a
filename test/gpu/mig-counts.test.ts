import assert from "node:assert/strict";
import fc from "fast-check";
import { crdSchema } from "../../src/apis/crds.js";
import type { GPUPool } from "../../src/apis/inference-ai.js";
import { expectedAllocatable, migLayout, poolConfigProblems } from "../../src/controllers/gpupool/pool-config.js";
import { packLayout, profilesFor, type MigProfile } from "../../src/nvidia/mig.js";
import { migLayoutProblems } from "../../src/nvidia/mig-parted.js";
import { gfdCount, MAX_DEVICES_PER_NODE, MAX_GPUS_PER_NODE } from "../../src/nvidia/resources.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { schemaErrors } from "../../webhooks/validators/crd-schema.js";
import { gpuPoolFindings } from "../../webhooks/validators/gpu-resources.js";
import { A100, gpuPool } from "../support/gpupool.js";

/** An A100-80GB's profiles: 1g.10gb takes one of 7 compute and 8 memory slices, 3g.40gb three and four. */
const ONE_G = profilesFor(A100)!.find((p) => p.name === "1g.10gb") as MigProfile;
const THREE_G = profilesFor(A100)!.find((p) => p.name === "3g.40gb") as MigProfile;

function migPool(profiles: { name: string; count?: number }[]): GPUPool {
  return gpuPool("p", { gpuProduct: A100, sharing: { mode: "mig", profiles } });
}

describe("MIG counts: every check costs the same whatever the numbers in the object", () => {
  it("the CRD bounds a profile's count by the seven instances a GPU holds", () => {
    const errors = schemaErrors(
      crdSchema("inference.ai/v1alpha1", "GPUPool")!,
      migPool([{ name: "1g.10gb", count: 2_000_000_000 }]),
    );
    assert.deepEqual(errors.map(formatFieldError), [
      "spec.sharing.profiles[0].count: 2000000000 is above the maximum; use 7 or less",
    ]);
  });

  it("the webhook refuses a count that does not fit a GPU without building its instances (past the CRD, too)", () => {
    for (const count of [2_000_000_000, 1e8, Number.MAX_SAFE_INTEGER]) {
      const f = gpuPoolFindings(migPool([{ name: "1g.10gb", count }]));
      assert.deepEqual(
        f.problems.map((p) => p.path),
        ["spec.sharing.profiles[0].count"],
        String(count),
      );
    }
  });

  it("refuses a layout that needs more GPUs than a node can have, naming the limit", () => {
    const entries = Array.from({ length: MAX_GPUS_PER_NODE + 1 }, () => ({ name: "1g.10gb", count: 7 }));
    assert.deepEqual(gpuPoolFindings(migPool(entries)).problems.map(formatFieldError), [
      `spec.sharing.profiles: the layout needs more than the ${MAX_GPUS_PER_NODE} GPUs a node can have; list what one node's GPUs hold: each entry's count fits one GPU, and all entries a node`,
    ]);
    const fits = gpuPoolFindings(migPool(entries.slice(1)));
    assert.deepEqual(fits.problems, []);
    assert.match(fits.warnings.join("\n"), new RegExp(`spans ${MAX_GPUS_PER_NODE} GPUs per node`));
  });

  it("packLayout takes counts and stops at the first instance past maxGpus", () => {
    assert.equal(packLayout([{ profile: ONE_G, count: 2_000_000_000 }]), undefined);
    assert.equal(packLayout([{ profile: ONE_G, count: Infinity }]), undefined);
    assert.equal(packLayout([{ profile: ONE_G, count: 7 * MAX_GPUS_PER_NODE }])?.length, MAX_GPUS_PER_NODE);
    assert.deepEqual(
      packLayout([
        { profile: ONE_G, count: 4 },
        { profile: THREE_G, count: 2 },
      ])?.map((gpu) => gpu.map((p) => p.name)),
      [
        ["3g.40gb", "3g.40gb"],
        ["1g.10gb", "1g.10gb", "1g.10gb", "1g.10gb"],
      ],
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * MAX_GPUS_PER_NODE }), (count) => {
        const gpus = packLayout([{ profile: ONE_G, count }]);
        assert.equal(gpus?.flat().length, count);
        assert.equal(gpus?.length, Math.ceil(count / 7));
      }),
    );
  });

  it("the controller and mig-parted's check handle a count past admission without expanding it", () => {
    const pool = migPool([{ name: "1g.10gb", count: 2_000_000_000 }]);
    assert.deepEqual(migLayout(pool), [
      { devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 2_000_000_000 } },
    ]);
    assert.match(poolConfigProblems(pool).join("\n"), /do not fit one GPU/);
    assert.deepEqual(
      migLayoutProblems(
        "l",
        [{ devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 2_000_000_000 } }],
        A100,
      ),
      [`l[0]: the MIG devices of one entry do not fit one GPU of ${A100}`],
    );
    assert.deepEqual(expectedAllocatable(migPool([{ name: "1g.10gb", count: 7 }]), 2), {
      "nvidia.com/mig-1g.10gb": 14,
    });
  });

  it("reads a GFD count label as plain decimal digits a node can have", () => {
    assert.equal(gfdCount("8"), 8);
    assert.equal(gfdCount(String(MAX_DEVICES_PER_NODE)), MAX_DEVICES_PER_NODE);
    for (const label of ["0x10", "1e3", "1e308", "8.0", " 8", "", "-1", String(MAX_DEVICES_PER_NODE + 1), undefined])
      assert.equal(gfdCount(label), undefined, String(label));
  });
});
