import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { advertised, devicePluginConfigProblems, type DevicePluginConfig } from "../../src/nvidia/device-plugin.js";
import {
  migLayoutProblems,
  migPartedConfigProblems,
  migProfileFormatProblem,
  nvidiaYaml,
  parseNvidiaYaml,
  type MigConfigSpec,
} from "../../src/nvidia/mig-parted.js";
import { FIXTURES } from "../support/fixtures.js";

const NVIDIA = join(FIXTURES, "nvidia");

function fixture(name: string): string {
  return readFileSync(join(NVIDIA, name), "utf8");
}

describe("NVIDIA's config formats (src/nvidia/), checked as NVIDIA's code reads them", () => {
  describe("device-plugin config v1 (k8s-device-plugin api/config/v1)", () => {
    it("accepts every complete config file NVIDIA's README shows", () => {
      const docs = parseAllDocuments(fixture("device-plugin-examples.yaml"), { version: "1.1" });
      assert.equal(docs.length, 5);
      for (const doc of docs) assert.deepEqual(devicePluginConfigProblems(doc.toJS()), [], String(doc));
    });

    const base = { version: "v1", flags: { migStrategy: "none" } };
    const timeSliced = (resources: unknown[], extra: Record<string, unknown> = {}): unknown => ({
      ...base,
      sharing: { timeSlicing: { resources, ...extra } },
    });
    const cases: [string, unknown, RegExp][] = [
      ["another version", { version: "v2" }, /unknown version: "v2"/],
      ["an unknown MIG strategy", { version: "v1", flags: { migStrategy: "both" } }, /unknown MIG strategy: "both"/],
      [
        "a misspelt field (NVIDIA would ignore it)",
        { ...base, sharing: { timeslicing: {} } },
        /unexpected field: timeslicing/,
      ],
      ["no resources", { ...base, sharing: { timeSlicing: { resources: [] } } }, /no resources specified/],
      ["one replica", timeSliced([{ name: "nvidia.com/gpu", replicas: 1 }]), /number of replicas must be >= 2/],
      ["replicas missing", timeSliced([{ name: "nvidia.com/gpu" }]), /no replicas specified/],
      ["a fractional replica count", timeSliced([{ name: "nvidia.com/gpu", replicas: 2.5 }]), /replicas must be >= 2/],
      ["a name too long", timeSliced([{ name: `nvidia.com/${"a".repeat(60)}`, replicas: 2 }]), /63 characters or less/],
      [
        "a resource the plugin does not advertise",
        timeSliced([{ name: "nvidia.com/tpu", replicas: 2 }]),
        /not a resource/,
      ],
      [
        "a MIG device without the mixed strategy",
        timeSliced([{ name: "nvidia.com/mig-3g.40gb", replicas: 2 }]),
        /only under migStrategy mixed/,
      ],
      [
        "a malformed MIG profile",
        {
          ...base,
          flags: { migStrategy: "mixed" },
          sharing: { timeSlicing: { resources: [{ name: "nvidia.com/mig-3x.40gb", replicas: 2 }] } },
        },
        /missing 'g'/,
      ],
      [
        "devices as a word",
        timeSliced([{ name: "nvidia.com/gpu", replicas: 2, devices: "some" }]),
        /only valid string input is 'all'/,
      ],
      [
        "a non-boolean renameByDefault",
        timeSliced([{ name: "nvidia.com/gpu", replicas: 2 }], { renameByDefault: "yes" }),
        /renameByDefault: true or false/,
      ],
      [
        "MPS with the mixed strategy",
        {
          version: "v1",
          flags: { migStrategy: "mixed" },
          sharing: { mps: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } },
        },
        /mixed is not supported with MPS/,
      ],
      [
        "MPS for MIG devices",
        {
          version: "v1",
          flags: { migStrategy: "single" },
          sharing: { mps: { resources: [{ name: "nvidia.com/mig-1g.10gb", replicas: 2 }] } },
        },
        /MPS is not supported for MIG devices/,
      ],
      [
        "MPS beside time-slicing",
        {
          ...base,
          sharing: {
            mps: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] },
            timeSlicing: { resources: [{ name: "nvidia.com/gpu", replicas: 2 }] },
          },
        },
        /exclusive/,
      ],
    ];
    for (const [what, config, message] of cases)
      it(`refuses ${what}`, () => {
        const problems = devicePluginConfigProblems(config);
        assert.ok(
          problems.some((p) => message.test(p)),
          problems.join("\n") || "no problem found",
        );
      });

    it("accepts what NVIDIA accepts beyond the README: device counts, indices and UUIDs, a MIG device time-sliced under mixed", () => {
      const ok = {
        version: "v1",
        flags: { migStrategy: "mixed" },
        sharing: {
          timeSlicing: {
            resources: [
              { name: "nvidia.com/gpu", replicas: 2, devices: 3 },
              { name: "gpu", replicas: 4, devices: [0, "1", "2:0", "GPU-b1028956-cfa2-0990-bf4a-5da9abb51763"] },
              { name: "nvidia.com/mig-1g.10gb.me", replicas: 3 },
            ],
          },
        },
      };
      assert.deepEqual(devicePluginConfigProblems(ok), []);
    });

    it("names what a node advertises: .shared when renamed, the active sharing's replicas", () => {
      const config: DevicePluginConfig = {
        version: "v1",
        flags: { migStrategy: "mixed" },
        sharing: {
          timeSlicing: { renameByDefault: true, resources: [{ name: "nvidia.com/mig-3g.40gb", replicas: 3 }] },
        },
      };
      assert.deepEqual(advertised(config, "nvidia.com/mig-3g.40gb"), {
        name: "nvidia.com/mig-3g.40gb.shared",
        replicas: 3,
      });
      assert.deepEqual(advertised(config, "nvidia.com/gpu"), { name: "nvidia.com/gpu", replicas: 1 });
    });
  });

  describe("mig-parted config v1 (mig-parted api/spec/v1)", () => {
    it("accepts mig-parted's own examples and every layout GPU Operator ships", () => {
      assert.deepEqual(migPartedConfigProblems(parseNvidiaYaml(fixture("mig-parted-examples-config.yaml"))), []);
      const configMap = parseNvidiaYaml(fixture("gpu-operator-default-mig-parted-config.yaml")) as {
        data: { "config.yaml": string };
      };
      const shipped = parseNvidiaYaml(configMap.data["config.yaml"]) as { "mig-configs": Record<string, unknown> };
      assert.ok(Object.keys(shipped["mig-configs"]).length > 30);
      assert.deepEqual(migPartedConfigProblems(shipped), []);
    });

    const layout = (spec: Record<string, unknown>): unknown => ({ version: "v1", "mig-configs": { l: [spec] } });
    const cases: [string, unknown, RegExp][] = [
      ["no version", { "mig-configs": {} }, /missing 'version' field/],
      ["another version", { version: "v2" }, /unknown version/],
      ["an unknown top-level field", { version: "v1", "mig-config": {} }, /unexpected field: mig-config/],
      ["no layouts", { version: "v1", "mig-configs": {} }, /at least one entry in 'mig-configs'/],
      ["an empty layout", { version: "v1", "mig-configs": { l: [] } }, /at least one entry in 'l'/],
      ["an unknown entry field", layout({ devices: "all", "mig-enabled": false, gpus: 2 }), /unexpected field: gpus/],
      ["no devices", layout({ "mig-enabled": false }), /missing required field: devices/],
      ["devices as another word", layout({ devices: "some", "mig-enabled": false }), /invalid string input/],
      [
        "enabled without devices",
        layout({ devices: "all", "mig-enabled": true }),
        /'mig-devices' when 'mig-enabled' is true/,
      ],
      [
        "devices while disabled",
        layout({ devices: "all", "mig-enabled": false, "mig-devices": { "1g.5gb": 1 } }),
        /included when 'mig-enabled' is false/,
      ],
      [
        "only zero counts",
        layout({ devices: "all", "mig-enabled": true, "mig-devices": { "1g.5gb": 0 } }),
        /all counts .* are 0/,
      ],
      [
        "a malformed profile",
        layout({ devices: "all", "mig-enabled": true, "mig-devices": { "3g40gb": 1 } }),
        /invalid format for '3g40gb'/,
      ],
    ];
    for (const [what, config, message] of cases)
      it(`refuses ${what}`, () => {
        const problems = migPartedConfigProblems(config);
        assert.ok(
          problems.some((p) => message.test(p)),
          problems.join("\n") || "no problem found",
        );
      });

    it("reads profile strings as go-nvlib does", () => {
      for (const good of [
        "1g.5gb",
        "3g.40gb",
        "1c.2g.10gb",
        "1g.10gb+me",
        "1g.24gb+gfx",
        "1g.10gb-me",
        "7g.80gb+me.all",
      ])
        assert.equal(migProfileFormatProblem(good), undefined, good);
      const bad: [string, RegExp][] = [
        ["", /empty string/],
        ["3g", /expected 2 or 3/],
        ["3g.40", /missing 'gb'/],
        ["xg.40gb", /malformed number/],
        ["1g.5gb+me-me", /both '\+\/-'/],
        ["1g.5gb+", /empty attribute/],
        ["1g.5gb+me,me", /non unique/],
        ["1g.5gb+1me", /begins with a number/],
        ["1g.5gb+.me", /begins\/ends with a dot/],
        ["1g.5gb+m_e", /non alpha-numeric/],
      ];
      for (const [profile, message] of bad) assert.match(migProfileFormatProblem(profile) ?? "", message, profile);
    });

    it("checks a layout against the product: profiles it has, one GPU's worth per entry", () => {
      const a100 = "NVIDIA-A100-SXM4-80GB";
      const entry = (devices: Record<string, number>): MigConfigSpec[] => [
        { devices: "all" as const, "mig-enabled": true, "mig-devices": devices },
      ];
      assert.deepEqual(migLayoutProblems("l", entry({ "3g.40gb": 2 }), a100), []);
      assert.match(migLayoutProblems("l", entry({ "3g.20gb": 1 }), a100)[0] ?? "", /has no MIG profile 3g.20gb/);
      assert.match(migLayoutProblems("l", entry({ "3g.40gb": 2, "1g.10gb": 4 }), a100)[0] ?? "", /do not fit one GPU/);
      assert.match(migLayoutProblems("l", entry({ "1g.5gb": 1 }), "NVIDIA-L4")[0] ?? "", /has no MIG/);
      assert.deepEqual(
        migLayoutProblems("l", entry({ "1g.24gb": 1 }), "NVIDIA-Future-GPU"),
        [],
        "unknown: mig-parted decides",
      );
    });

    it("writes YAML NVIDIA's YAML 1.1 reader reads back as written: a layout named like a boolean stays a string", () => {
      const value = { version: "v1", "mig-configs": { on: [{ devices: "all", "mig-enabled": false }], yes: [] } };
      assert.deepEqual(parseNvidiaYaml(nvidiaYaml(value)), value);
      assert.deepEqual(parseNvidiaYaml("on: yes"), { true: true }, "what an unquoted one would be");
    });
  });
});
