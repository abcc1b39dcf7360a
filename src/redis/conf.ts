/**
 * redis.conf, as redis-server reads it (redis.io/docs/latest/operate/oss_and_stack/management/config-file):
 * one directive per line, arguments split on spaces, an argument with spaces, quotes or nothing
 * in double quotes with backslash escapes (`save ""`). Memory sizes here are plain bytes: in
 * Redis' own units `1g` is 10^9 bytes and `1gb` 2^30, a trap a Kubernetes `1Gi` must not fall into.
 */

/** A directive and its arguments: `["maxmemory", 17179869184]`, `["save", ""]`. */
export type Directive = readonly [name: string, ...args: (string | number)[]];

/** The eviction policies of maxmemory-policy (redis.conf "MEMORY MANAGEMENT"). */
export type MaxmemoryPolicy =
  | "volatile-lru"
  | "allkeys-lru"
  | "volatile-lfu"
  | "allkeys-lfu"
  | "volatile-random"
  | "allkeys-random"
  | "volatile-ttl"
  | "noeviction";

/** Policies that only evict keys with a TTL: with none set (LMCache sets none), writes fail at maxmemory. */
export const EVICTS_ONLY_KEYS_WITH_TTL: readonly MaxmemoryPolicy[] = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "noeviction",
];

function argument(value: string | number): string {
  const text = String(value);
  if (text !== "" && /^[^\s"'\\]+$/.test(text)) return text;
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The file: a comment header (each line `# …`) and one line per directive. */
export function redisConf(header: readonly string[], directives: readonly Directive[]): string {
  const lines = [
    ...header.map((h) => `# ${h}`),
    ...directives.map(([name, ...args]) => [name, ...args.map(argument)].join(" ")),
  ];
  return `${lines.join("\n")}\n`;
}
