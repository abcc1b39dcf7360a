import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  entryAddress,
  entryPodName,
  groupName,
  parseIndexSuffix,
  parsePodName,
  podName,
  roleId,
  statefulSetEntryAddress,
} from "../src/modelinfer/naming.js";
import { templateRevision } from "../src/modelinfer/revision.js";
import { modelInfer, role } from "./support/objects.js";

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);

describe("naming", () => {
  it("builds the names of DESIGN §4", () => {
    assert.equal(groupName("sample", 0), "sample-0");
    assert.equal(roleId("decode", 1), "decode-1");
    assert.equal(podName("sample", 0, "decode", 1, 2), "sample-0-decode-1-2");
    assert.equal(entryPodName("sample", 0, "decode", 0), "sample-0-decode-0-0");
    assert.equal(entryAddress("sample-0-decode-0-0", "default"), "sample-0-decode-0-0.sample-0-decode-0-0.default");
    assert.equal(statefulSetEntryAddress("qwen", "qwen-hl", "ml"), "qwen-0.qwen-hl.ml");
    assert.equal(statefulSetEntryAddress("llm-tp", "llm-tp", "default", 1), "llm-tp-1.llm-tp.default");
  });

  it("reads indices back from any pod name it builds, even with dashes and digits in names", () => {
    fc.assert(
      fc.property(dnsLabel, dnsLabel, fc.nat(99), fc.nat(99), fc.nat(99), (mi, r, g, ri, p) => {
        assert.deepEqual(parsePodName(podName(mi, g, r, ri, p), mi, r), { groupIndex: g, roleIndex: ri, podIndex: p });
      }),
    );
  });

  it("rejects names of another ModelInfer or role", () => {
    assert.equal(parsePodName("other-0-decode-0-1", "sample", "decode"), undefined);
    assert.equal(parsePodName("sample-0-prefill-0-1", "sample", "decode"), undefined);
    assert.equal(parsePodName("sample-x-decode-0-1", "sample", "decode"), undefined);
    // Indices are int32 ordinals (no 1e+23, no leading zeros).
    assert.equal(parsePodName("sample-99999999999999999999999-decode-0-1", "sample", "decode"), undefined);
    assert.equal(parsePodName("sample-2147483648-decode-0-1", "sample", "decode"), undefined);
    assert.deepEqual(parsePodName("sample-2147483647-decode-0-1", "sample", "decode"), {
      groupIndex: 2147483647,
      roleIndex: 0,
      podIndex: 1,
    });
  });

  it("reads index suffixes strictly", () => {
    assert.equal(parseIndexSuffix("sample-3", "sample"), 3);
    assert.equal(parseIndexSuffix("sample-03", "sample"), undefined);
    assert.equal(parseIndexSuffix("sample-", "sample"), undefined);
    assert.equal(parseIndexSuffix("samplex-1", "sample"), undefined);
  });
});

describe("revision", () => {
  it("ignores role replicas and key order but not template changes", () => {
    const base = modelInfer("mi", [role("decode", 1, 2)]);
    const scaled = modelInfer("mi", [role("decode", 5, 2)]);
    const reordered = modelInfer("mi", [
      {
        workerReplicas: 2,
        entryTemplate: base.spec.template.roles[0]!.entryTemplate,
        workerTemplate: base.spec.template.roles[0]!.workerTemplate,
        replicas: 1,
        name: "decode",
      },
    ]);
    const changed = modelInfer("mi", [role("decode", 1, 3)]);
    assert.match(templateRevision(base.spec), /^[0-9a-f]{10}$/);
    assert.equal(templateRevision(scaled.spec), templateRevision(base.spec));
    assert.equal(templateRevision(reordered.spec), templateRevision(base.spec));
    assert.notEqual(templateRevision(changed.spec), templateRevision(base.spec));
  });
});
