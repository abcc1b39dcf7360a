import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A benchmark's server in its own process, once it has printed `{port, certDir}`; `ca` is its CA. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  ca: string;
}

/**
 * Starts `bench/<script>` with `args`. BENCH_SERVER_ARGS adds node flags to the server, e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof" for a CPU profile of what the benchmark measures.
 */
export async function startServerProcess(script: string, args: readonly string[] = []): Promise<ServerProcess> {
  const extra = (process.env.BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...extra, "--import", "tsx", join(ROOT, "bench", script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: ROOT,
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once("line", resolve));
  const { port, certDir } = JSON.parse(line) as { port: number; certDir: string };
  return { child, port, ca: readFileSync(join(certDir, "ca.crt"), "utf8") };
}
