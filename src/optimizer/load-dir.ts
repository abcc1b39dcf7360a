import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OptimizerDataError, Origin } from "./json-fields.js";
import { buildDocuments, parseSystem, systemDocuments, type DocumentKey } from "./parse.js";
import type { SystemSpec } from "./spec.js";

/** inferno's file names, one per document. */
export const DATA_FILES: Record<DocumentKey, string> = {
  accelerators: "accelerator-data.json",
  capacity: "capacity-data.json",
  models: "model-data.json",
  serviceClasses: "serviceclass-data.json",
  servers: "server-data.json",
  optimizer: "optimizer-data.json",
};

const SYSTEM_FILE = "system-data.json";

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OptimizerDataError(code === "ENOENT" ? `${path}: file not found` : `${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OptimizerDataError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads one system-data.json (the REST body's shape). */
export function loadSystemFile(path: string): SystemSpec {
  return parseSystem(systemDocuments(readJson(path), path));
}

/**
 * Reads an inferno data directory: the six data files, or a single system-data.json when the
 * directory holds that instead (the six files win when both are there).
 */
export function loadSystemDir(dir: string): SystemSpec {
  const separate = Object.values(DATA_FILES).some((file) => existsSync(join(dir, file)));
  const systemPath = join(dir, SYSTEM_FILE);
  if (!separate && existsSync(systemPath)) return loadSystemFile(systemPath);
  return parseSystem(
    buildDocuments((key) => {
      const path = join(dir, DATA_FILES[key]);
      return { body: readJson(path), origin: new Origin(path, "") };
    }),
  );
}
