import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** File names as a `kubernetes.io/tls` Secret (plus `ca.crt`) mounts them. */
export const FILES = { caCert: "ca.crt", caKey: "ca.key", cert: "tls.crt", key: "tls.key" } as const;
export type CertFile = keyof typeof FILES;
export type CertFiles = Partial<Record<CertFile, string>>;

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export async function readCertFiles(dir: string): Promise<CertFiles> {
  const entries = await Promise.all(
    (Object.keys(FILES) as CertFile[]).map(
      async (name) => [name, await readIfPresent(join(dir, FILES[name]))] as const,
    ),
  );
  const files: CertFiles = {};
  for (const [name, content] of entries) if (content !== undefined) files[name] = content;
  return files;
}

/** Writes each file through a temporary name and a rename, so a reader never sees half a file. */
export async function writeCertFiles(dir: string, files: CertFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of Object.keys(files) as CertFile[]) {
    const content = files[name];
    if (content === undefined) continue;
    const target = join(dir, FILES[name]);
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, content, { mode: name === "caKey" || name === "key" ? 0o600 : 0o644 });
    await rename(tmp, target);
  }
}
