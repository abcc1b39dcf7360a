// `npm run bench`: every benchmark in turn, or the one named (`npm run bench -- controller`);
// figures are printed, never asserted. Each is imported only when it runs, so one benchmark's
// modules (HiGHS, express…) do not weigh on another's memory figures.
const BENCHMARKS: Record<string, () => Promise<void>> = {
  enhancer: async () => (await import("./enhancer.js")).enhancerBenchmark(),
  admission: async () => (await import("./admission.js")).admissionBenchmark(),
  extender: async () => (await import("./extender.js")).extenderBenchmark(),
  controller: async () => (await import("./controller.js")).controllerBenchmark(),
  optimizer: async () => (await import("./optimizer.js")).optimizerBenchmark(),
  inferenceservice: async () => (await import("./inferenceservice.js")).inferenceServiceBenchmark(),
  // Minutes of attack traffic (issue 13): only when asked for, `npm run bench -- fault`.
  fault: async () => (await import("./fault.js")).faultBenchmark(),
};

const only = process.argv[2];
if (only !== undefined && !(only in BENCHMARKS)) {
  process.stderr.write(`unknown benchmark ${only}; one of ${Object.keys(BENCHMARKS).join(", ")}\n`);
  process.exit(2);
}
// "admission" has always included the in-process enhancer figures it is compared with.
// "inferenceservice" is printed beside the ModelInfer controller's figures it is compared with.
const PAIRED: Record<string, string[]> = {
  admission: ["enhancer", "admission"],
  inferenceservice: ["controller", "inferenceservice"],
};
const selected =
  only === undefined ? Object.keys(BENCHMARKS).filter((name) => name !== "fault") : (PAIRED[only] ?? [only]);
for (const name of selected) await BENCHMARKS[name]!();
