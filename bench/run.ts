// `npm run bench`: every benchmark in turn; figures are printed, never asserted.
import { admissionBenchmark } from "./admission.js";
import { enhancerBenchmark } from "./enhancer.js";
import { extenderBenchmark } from "./extender.js";
import { controllerBenchmark } from "./controller.js";
import { optimizerBenchmark } from "./optimizer.js";

const only = process.argv[2];
if (!only || only === "admission" || only === "enhancer") await enhancerBenchmark();
if (!only || only === "admission") await admissionBenchmark();
if (!only || only === "extender") await extenderBenchmark();
if (!only || only === "controller") await controllerBenchmark();
if (!only || only === "optimizer") await optimizerBenchmark();
