import { strict as assert } from "node:assert";
import { parseQuantity, QuantityError } from "../../src/kube/quantity.js";
import { podRequests } from "../../src/kube/resources.js";

describe("quantities and pod requests", () => {
  const table: Array<[string, number]> = [
    ["1", 1000],
    ["500m", 500],
    ["0.1", 100],
    ["2k", 2_000_000],
    ["1Ki", 1_024_000],
    ["16Gi", 16 * 2 ** 30 * 1000],
    ["1e3", 1_000_000],
    ["1.5", 1500],
    ["100M", 1e11],
  ];
  for (const [text, milli] of table)
    it(`parses ${text}`, () => {
      assert.equal(parseQuantity(text), milli);
    });

  it("rejects what is not a quantity", () => {
    for (const bad of ["", "ten", "1Gb", "1 Gi", "--1"]) assert.throws(() => parseQuantity(bad), QuantityError);
  });

  it("sums containers and sidecars, takes the largest regular init container, adds overhead and a slot", () => {
    const requests = podRequests({
      spec: {
        overhead: { cpu: "250m" },
        initContainers: [
          { name: "big-init", resources: { requests: { cpu: "8" } } },
          { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "1" } } },
        ],
        containers: [
          { name: "a", resources: { limits: { "nvidia.com/gpu": "4" }, requests: { cpu: "2" } } },
          { name: "b", resources: { requests: { cpu: "1", "nvidia.com/mig-3g.40gb": "1" } } },
        ],
      },
    });
    assert.deepEqual(requests, { cpu: 9250, "nvidia.com/gpu": 4000, "nvidia.com/mig-3g.40gb": 1000, pods: 1000 });
  });
});
