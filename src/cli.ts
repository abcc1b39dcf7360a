#!/usr/bin/env node
import { main } from "./cli/main.js";
import type { Io } from "./cli/commands.js";

// A reader that stops early (`inferplane render … | head`) is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`inferplane: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
