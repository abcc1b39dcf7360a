import {
  COMMAND_SPECS,
  COMMON_FLAGS,
  FLAGS,
  type CommandName,
  type CommandSpec,
  type FlagName,
  type FlagSpec,
} from "./spec.js";

function flagName(name: FlagName): string {
  const flag: FlagSpec = FLAGS[name];
  return `${flag.short ? `-${flag.short}, ` : "    "}--${name}${flag.value ? ` ${flag.value}` : ""}`;
}

/** The flags in two columns: name and value, then what it does and its default (as `command` reads them). */
function flagLines(names: readonly FlagName[], command?: CommandName): string {
  const width = Math.max(...names.map((name) => flagName(name).length)) + 2;
  const overrides: CommandSpec["flagHelp"] = command ? (COMMAND_SPECS[command] as CommandSpec).flagHelp : undefined;
  return names
    .map((name) => {
      const flag: FlagSpec = { ...FLAGS[name], ...overrides?.[name] };
      const fallback = flag.default === undefined ? "" : ` (default ${String(flag.default)})`;
      return `  ${flagName(name).padEnd(width)}${flag.help}${fallback}\n`;
    })
    .join("");
}

/** `inferplane --help`: the commands, and how to get each one's flags. */
export function globalUsage(): string {
  const commands = Object.entries(COMMAND_SPECS)
    .map(([name, spec]) => `  ${name.padEnd(10)}${spec.summary}\n`)
    .join("");
  return (
    "usage: inferplane <command> [flags]\n\ncommands:\n" +
    commands +
    "\nflags:\n" +
    flagLines(COMMON_FLAGS) +
    "\n'inferplane <command> --help' lists a command's flags and their defaults.\n"
  );
}

/** The environment variables seeds 003 and 004 document, read by serve as equivalents of its flags. */
const SERVE_ENVIRONMENT = `
environment (a flag wins):
  METRICS_BIND_ADDRESS, METRICS_ADDR            [host]:port of /metrics, /healthz, /readyz (--metrics-port)
  HEALTH_PROBE_BIND_ADDRESS, HEALTH_PROBE_ADDR  the same port: inferplane serves probes beside /metrics
  KUBERNETES_NAMESPACE                          --namespace
  GPU_METRICS_ENDPOINT                          --prometheus-url
  LEADER_ELECT, LEADER_ELECTION_ENABLED         true or false; the reconciling replica is always elected by Lease
  LOG_LEVEL                                     --log-level
`;

/** \`inferplane <command> --help\`: its synopsis, what it does, and every flag it reads with its default. */
export function commandUsage(command: CommandName): string {
  const spec = COMMAND_SPECS[command];
  const flags = flagLines([...spec.flags, ...COMMON_FLAGS], command);
  const environment = command === "serve" ? SERVE_ENVIRONMENT : "";
  return `usage: inferplane ${command} ${spec.synopsis}\n\n${spec.summary}\n\nflags:\n${flags}${environment}`;
}
