import { Worker, type ResourceLimits } from "node:worker_threads";

/**
 * Starts a worker thread on a module. Built, that is the `.js` file; from source (the tests,
 * `npm run bench`), a bootstrap registers tsx's loader in the worker first — a worker does not
 * inherit the loader of its parent.
 */
export function startWorker(script: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const options = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
  if (!script.pathname.endsWith(".ts")) return new Worker(script, options);
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
