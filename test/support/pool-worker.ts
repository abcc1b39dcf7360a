// A worker for the pool's own tests: each job kind exercises one way a job can end.
import { serveJobs } from "../../src/work/worker-side.js";

export type PoolTestJob =
  | { kind: "echo"; text: string }
  | { kind: "wait"; ms: number }
  | { kind: "throw" }
  | { kind: "exit" }
  | { kind: "spin" }
  | { kind: "hog" };

let state = "";

function hog(): never {
  const held: number[][] = [];
  for (;;) held.push(Array.from({ length: 100_000 }, (_, i) => i));
}

serveJobs<PoolTestJob, string, string>({
  job: async (job) => {
    switch (job.kind) {
      case "echo":
        return `${job.text}${state}`;
      case "wait":
        await new Promise((resolve) => setTimeout(resolve, job.ms));
        return "waited";
      case "throw":
        throw new TypeError("a bad job");
      case "exit":
        process.exit(3);
        break;
      case "spin":
        for (;;);
      case "hog":
        return hog();
    }
    return "";
  },
  broadcast: (message) => {
    state = message;
  },
});
