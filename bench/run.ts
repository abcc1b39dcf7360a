// `npm run bench`: every benchmark in turn; figures are printed, never asserted.
import { admissionBenchmark } from "./admission.js";
import { enhancerBenchmark } from "./enhancer.js";

await enhancerBenchmark();
await admissionBenchmark();
