import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { KubeConfig } from "@kubernetes/client-node";
import { doubleKubeConfig, type StoredObject } from "../../test/support/api-double.js";

export interface DoubleReport {
  requests: number;
  byVerb: Record<string, number>;
  /** Peak RSS of the double's own process, bytes. */
  peakRss: number;
}

/** The API double in a child process (double-process.ts), so a benchmark's RSS is its own. */
export class RemoteApiDouble {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<RemoteApiDouble> {
    const script = fileURLToPath(new URL("./double-process.ts", import.meta.url));
    const child = fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const { port } = await next<{ port: number }>(child);
    return new RemoteApiDouble(child, port);
  }

  kubeConfig(token: string): KubeConfig {
    return doubleKubeConfig(this.port, token);
  }

  async seed(resource: string, objects: StoredObject[]): Promise<void> {
    await this.ask({ op: "seed", resource, objects });
  }

  async count(resource: string): Promise<number> {
    return (await this.ask<{ count: number }>({ op: "count", resource })).count;
  }

  report(token: string): Promise<DoubleReport> {
    return this.ask<DoubleReport>({ op: "report", token });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ op: "stop" });
    await exited;
  }

  private ask<T>(message: object): Promise<T> {
    const answer = next<T>(this.child);
    this.child.send(message);
    return answer;
  }
}

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) =>
    child.once("message", (m) => {
      resolve(m as T);
    }),
  );
}
