import type { AcceleratorSpec, PerfSpec, ServerSpec, ServiceClassSpec, SystemSpec } from "../src/optimizer/spec.js";

/** A deterministic pseudo-random sequence (mulberry32), so every run solves the same instances. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A V1 system of `servers` servers over `accelerators` accelerator types and 10 models, with
 * capacity set to `capacityShare` of what every server's cheapest choice would need in total.
 */
export function syntheticSystem(servers: number, accelerators: number, seed = 1): SystemSpec {
  const rnd = random(seed);
  const accs = new Map<string, AcceleratorSpec>();
  for (let a = 0; a < accelerators; a++)
    accs.set(`acc${a}`, { name: `acc${a}`, type: `type${a}`, multiplicity: 1, cost: Math.round(5 + rnd() * 60) });
  const perf = new Map<string, Map<string, PerfSpec>>();
  const models = 10;
  for (let m = 0; m < models; m++) {
    const byAcc = new Map<string, PerfSpec>();
    const size = 1 + rnd() * 4;
    for (const acc of accs.values()) {
      if (rnd() < 0.3) continue;
      const speed = 20 / acc.cost + rnd();
      byAcc.set(acc.name, {
        model: `model${m}`,
        accelerator: acc.name,
        accCount: size > 3 ? 2 : 1,
        maxBatchSize: Math.round(8 + rnd() * 56),
        atTokens: 512,
        alpha: (10 * size) / speed,
        beta: (0.2 * size) / speed,
        gamma: 0,
        delta: 0,
      });
    }
    perf.set(`model${m}`, byAcc);
  }
  const classes = new Map<string, ServiceClassSpec>();
  for (const [name, priority, itl, ttw] of [
    ["Premium", 1, 60, 500],
    ["Standard", 2, 120, 1500],
    ["Batch", 3, 400, 5000],
  ] as const) {
    classes.set(name, {
      name,
      priority,
      targets: new Map([...perf.keys()].map((m) => [m, { itl, ttw, ttft: 0, tps: 0 }])),
    });
  }
  const classNames = [...classes.keys()];
  const serverSpecs: ServerSpec[] = Array.from({ length: servers }, (_, i) => ({
    name: `server${i}`,
    serviceClass: classNames[i % 3] ?? "Batch",
    model: `model${Math.floor(rnd() * models)}`,
    keepAccelerator: false,
    minNumReplicas: 0,
    maxBatchSize: 0,
    load: {
      arrivalRate: Math.round(5 + rnd() * 300),
      avgInTokens: 0,
      avgOutTokens: [256, 512, 1024][Math.floor(rnd() * 3)] ?? 512,
    },
  }));
  return {
    version: "v1",
    accelerators: accs,
    perf,
    serviceClasses: classes,
    servers: serverSpecs,
    capacity: new Map(),
    optimizer: {
      unlimited: false,
      heterogeneous: false,
      milpSolver: true,
      delayedBestEffort: false,
      saturationPolicy: "None",
    },
  };
}

/**
 * Capacity that binds: each type gets `own` of the cards everyone's cheapest choice would take
 * from it, plus `spread` of the average type's — 125% of the total for 0.75 and 0.5, but not
 * where the cheapest choices want it, so servers must move to dearer accelerators.
 */
export function withCapacity(
  system: SystemSpec,
  used: ReadonlyMap<string, { used: number }>,
  own: number,
  spread: number,
): SystemSpec {
  const types = [...new Set([...system.accelerators.values()].map((a) => a.type))];
  const average = types.reduce((sum, t) => sum + (used.get(t)?.used ?? 0), 0) / Math.max(types.length, 1);
  return {
    ...system,
    capacity: new Map(types.map((t) => [t, Math.round((used.get(t)?.used ?? 0) * own + average * spread)])),
  };
}
