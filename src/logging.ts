export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

/** JSON lines: `{"time","level","msg",...fields}` — what log collectors in a cluster expect. */
export function createLogger(
  level: LogLevel = "info",
  sink: LogSink = (l) => process.stdout.write(`${l}\n`),
  base: LogFields = {},
): Logger {
  const write = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }));
  };
  return {
    debug: (msg, fields) => {
      write("debug", msg, fields);
    },
    info: (msg, fields) => {
      write("info", msg, fields);
    },
    warn: (msg, fields) => {
      write("warn", msg, fields);
    },
    error: (msg, fields) => {
      write("error", msg, fields);
    },
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return value in ORDER;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger("error", () => undefined);
