import { parseArgs } from "node:util";
import { certsCommand, mutateCommand, serveCommand, validateCommand, type Io } from "./commands.js";
import { ConfigError, type Flags } from "../config.js";
import { ManifestError } from "../cluster-view/manifests.js";
import { CertificateError } from "../../certs/ensure.js";
import { optimizeCommand } from "./optimize-command.js";
import { renderCommand } from "./render-command.js";

const USAGE = `usage: inferplane <command> [flags]

commands:
  serve      run the webhook server (HTTPS --port 9443) and health/metrics (HTTP --metrics-port 8080)
             standalone with --manifests DIR (default: the bundled examples/) when no cluster is configured
  mutate     -f FILE [--manifests DIR]   print the enhanced object (YAML) and its JSONPatch, as admission would
  validate   -f FILE [--manifests DIR]   check objects as the validating webhook would
  render     -f FILE [--manifests DIR]   print the objects the controllers would apply for the custom resources
             in FILE (ModelInfer, …), as YAML: every controller's dry run
  certs      [--cert-dir DIR]            write a CA and serving certificate, print the base64 caBundle
  optimize   DIR [--solver unlimited|greedy|milp|budgeted] [--json]
             plan accelerators, replicas and batch sizes from inferno data files (or a system-data.json);
             --json prints inferno's solution-data.json

flags:
  --host, --port, --metrics-port, --cert-dir, --service-name, --namespace, --manifests, --kubeconfig,
  --standalone, --log-level debug|info|warn|error, --cert-check-interval-ms, --shutdown-grace-ms,
  --shutdown-delay-ms, --scheduler-name NAME (route opted-in gang pods to inferplane's own scheduler),
  --extender-bind (serve the extender's bind verb; needs a cluster),
  --disable-controller (admission and extender only; by default the leader replica reconciles ModelInfers)
  --optimizer-interval-seconds N (default 60; 0 = off), --prometheus-url URL, --optimizer-configmap NAME
             (the leader's optimizer loop: inferno data from the ConfigMap, load from Prometheus; GET /invoke runs it now)
  --host (default :: , dual-stack), --optimizer-port (default 9444: /optimizer/solve and /invoke, HTTPS; in a cluster
             they need a bearer token allowed to get/create services/proxy on inferplane's Service)
  --extender-client-name CN (default kube-scheduler: in a cluster the extender accepts only this client certificate)
  bounds (issue 13): --max-connections 1024, --max-connections-per-client 256, --tls-handshake-timeout-ms 10000,
             --headers-timeout-ms 10000, --request-timeout-ms 15000, --idle-timeout-ms 95000,
             --max-requests-in-flight 256, --max-body-mib-in-flight 24 (each for admission and for the extender),
             --admission-worker-kib 64 (larger admission bodies are answered in a worker thread),
             --optimizer-workers 1, --optimizer-queue 4, --optimizer-time-limit-seconds 10, --optimizer-max-body-mib 1,
             --optimizer-max-servers 1000, --optimizer-max-candidates 20000, --memory-budget-mib 400
`;

const OPTIONS = {
  file: { type: "string", short: "f" },
  manifests: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "metrics-port": { type: "string" },
  "cert-dir": { type: "string" },
  "service-name": { type: "string" },
  namespace: { type: "string" },
  kubeconfig: { type: "string" },
  standalone: { type: "boolean" },
  "log-level": { type: "string" },
  "cert-check-interval-ms": { type: "string" },
  "shutdown-grace-ms": { type: "string" },
  "shutdown-delay-ms": { type: "string" },
  "scheduler-name": { type: "string" },
  "extender-bind": { type: "boolean" },
  "disable-controller": { type: "boolean" },
  solver: { type: "string" },
  "optimizer-interval-seconds": { type: "string" },
  "prometheus-url": { type: "string" },
  "optimizer-configmap": { type: "string" },
  "optimizer-port": { type: "string" },
  "extender-client-name": { type: "string" },
  "max-connections": { type: "string" },
  "max-connections-per-client": { type: "string" },
  "tls-handshake-timeout-ms": { type: "string" },
  "headers-timeout-ms": { type: "string" },
  "request-timeout-ms": { type: "string" },
  "idle-timeout-ms": { type: "string" },
  "max-requests-in-flight": { type: "string" },
  "max-body-mib-in-flight": { type: "string" },
  "admission-worker-kib": { type: "string" },
  "optimizer-workers": { type: "string" },
  "optimizer-queue": { type: "string" },
  "optimizer-time-limit-seconds": { type: "string" },
  "optimizer-max-body-mib": { type: "string" },
  "optimizer-max-servers": { type: "string" },
  "optimizer-max-candidates": { type: "string" },
  "memory-budget-mib": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Command = (flags: Flags, io: Io, args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  mutate: mutateCommand,
  validate: validateCommand,
  render: renderCommand,
  certs: certsCommand,
  optimize: optimizeCommand,
};

/** Parses a command line; throws on unknown flags. The chart's container args go through this too. */
export function parseCliArgs(argv: string[]): { positionals: string[]; values: Flags } {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const run = command ? COMMANDS[command] : undefined;
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!run) {
    io.err(command ? `unknown command: ${command}\n${USAGE}` : USAGE);
    return 2;
  }
  return runCommand(run, command ?? "", parsed.values, io, parsed.positionals.slice(1));
}

async function runCommand(run: Command, command: string, flags: Flags, io: Io, args: string[]): Promise<number> {
  try {
    return await run(flags, io, args);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ManifestError || err instanceof CertificateError) {
      io.err(`inferplane ${command}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
