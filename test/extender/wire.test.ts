import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseExtenderArgs, parseExtenderRequest, WireError } from "../../scheduler-extender/wire.js";

const nodeName = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,30}[a-z0-9])?$/);

/** What the general parse makes of a body: the reference the fast path must agree with. */
function reference(text: string): { pod: unknown; names: readonly string[] } {
  const args = parseExtenderArgs(JSON.parse(text));
  return { pod: args.pod, names: args.candidates.names() };
}

describe("extender wire: kube-scheduler's own request read without parsing its node names", () => {
  it("agrees with the general parse on every Go-style body (property)", () => {
    const pod = fc.record({
      metadata: fc.record({
        name: nodeName,
        namespace: nodeName,
        annotations: fc.dictionary(fc.string(), fc.string()),
      }),
      spec: fc.record({ nodeName: fc.option(nodeName, { nil: undefined }) }),
    });
    fc.assert(
      fc.property(pod, fc.uniqueArray(nodeName, { maxLength: 40 }), (p, names) => {
        const text = JSON.stringify({ Pod: p, Nodes: null, NodeNames: names });
        const fast = parseExtenderRequest(text);
        const ref = reference(text);
        assert.deepEqual(fast.pod, ref.pod);
        assert.deepEqual(fast.candidates.names(), ref.names);
        assert.equal(fast.candidates.count, names.length);
        for (const n of names) assert.ok(fast.candidates.has(n));
        assert.ok(!fast.candidates.has("not-a-node-x"));
        assert.equal(fast.candidates.json(), JSON.stringify(names));
      }),
    );
  });

  it("never mistakes a name for part of another, nor a nested key for the top-level array", () => {
    const text = JSON.stringify({ Pod: { metadata: { name: "p" } }, Nodes: null, NodeNames: ["xa", "a-x", "ab"] });
    const args = parseExtenderRequest(text);
    assert.ok(!args.candidates.has("a"));
    assert.ok(args.candidates.has("ab"));
    const nested = JSON.stringify({ Pod: { metadata: { name: "p" }, x: { NodeNames: ["n1"] } }, NodeNames: ["n2"] });
    assert.deepEqual(parseExtenderRequest(nested).candidates.names(), ["n2"]);
    const trailing = '{"Pod":{"metadata":{"name":"p"},"z":{"NodeNames":["n1"]}}}';
    assert.throws(() => parseExtenderRequest(trailing), /neither Nodes nor NodeNames/);
  });

  it("reads other spellings, whitespace and full Nodes the general way", () => {
    const spaced = '{ "pod": {"metadata": {"name": "p"}}, "nodenames": ["n1", "n2"] }';
    assert.deepEqual(parseExtenderRequest(spaced).candidates.names(), ["n1", "n2"]);
    const full = JSON.stringify({ Pod: { metadata: { name: "p" } }, Nodes: { items: [{ metadata: { name: "n1" } }] } });
    const args = parseExtenderRequest(full);
    assert.deepEqual(args.candidates.names(), ["n1"]);
    assert.equal(args.nodes?.length, 1);
  });

  it("answers malformed bodies with the reason", () => {
    assert.throws(
      () => parseExtenderRequest("{nope"),
      (e: unknown) => e instanceof WireError && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => parseExtenderRequest('{"Pod":{"metadata":{}},"Nodes":{"items":[null]}}'),
      /Nodes.items must hold Node objects/,
    );
    assert.throws(() => parseExtenderRequest('{"Pod":{"a":1},"Nodes":null,"NodeNames":["a",1]}'), /array of strings/);
  });
});
