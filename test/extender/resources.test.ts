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

  // k8s.io/component-helpers resource.PodRequests (KEP-753 "Exposing Pod Resource Requirements"):
  // InitContainerUse(i) = sum(sidecars with index < i) + init container i; the pod needs
  // max(containers + all sidecars, max_i InitContainerUse(i)) + overhead.
  it("counts a regular init container beside only the sidecars started before it (KEP-753)", () => {
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
    // big-init runs alone (the sidecar starts after it): 8 CPUs, not 8 + 1.
    assert.deepEqual(requests, { cpu: 8250, "nvidia.com/gpu": 4000, "nvidia.com/mig-3g.40gb": 1000, pods: 1000 });
  });

  it("adds the sidecars started before a later init container to it, in order", () => {
    const requests = podRequests({
      spec: {
        initContainers: [
          { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "2", memory: "1Gi" } } },
          { name: "download", resources: { requests: { cpu: "4", memory: "8Gi" } } },
          { name: "log", restartPolicy: "Always", resources: { requests: { cpu: "1" } } },
          { name: "migrate", resources: { requests: { cpu: "5" } } },
        ],
        containers: [{ name: "engine", resources: { requests: { cpu: "1", memory: "2Gi" } } }],
      },
    });
    // cpu: containers + sidecars = 4; download + proxy = 6; migrate + proxy + log = 8 → 8.
    // memory: 2Gi + 1Gi = 3Gi running; download + proxy = 9Gi → 9Gi.
    assert.deepEqual(requests, { cpu: 8000, memory: 9 * 2 ** 30 * 1000, pods: 1000 });
  });

  it("takes pod-level requests (spec.resources) for cpu, memory and hugepages over the containers' sum", () => {
    const pod = {
      spec: {
        resources: { requests: { cpu: "3" }, limits: { memory: "4Gi", "example.com/x": "1" } },
        containers: [{ name: "a", resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" } } }],
      },
    };
    assert.deepEqual(podRequests(pod as never), {
      cpu: 3000,
      memory: 4 * 2 ** 30 * 1000,
      "nvidia.com/gpu": 1000,
      pods: 1000,
    });
  });
});
