import { readFile } from "node:fs/promises";
import { stringify } from "yaml";
import { caBundle, DEFAULT_CERT_POLICY, ensureCertificates } from "../../certs/ensure.js";
import { servingHosts } from "../../certs/generate.js";
import { withNamespace } from "../cluster-view/file-view.js";
import { parseManifests } from "../cluster-view/manifests.js";
import type { KubeObject } from "../kube/object.js";
import { ConfigError, serveConfig, type Flags } from "../config.js";
import { dryRun, schemaNotices, validateOnly } from "./dry-run.js";
import { formatFieldError } from "../../webhooks/field-errors.js";
import { admissionContext, describeObject } from "./file-cluster.js";

/** A denial's message, after the object's name unless the message starts with it already. */
function verdictText(obj: KubeObject, message: string | undefined): string {
  const text = message ?? "no reason given";
  const named = text.toLowerCase().startsWith(`${(obj.kind ?? "").toLowerCase()} `);
  return named ? text : `${describeObject(obj)}: ${text}`;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

async function readObjectsOf(file: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const objects = parseManifests(text, file);
  if (objects.length === 0) throw new ConfigError(`${file} holds no Kubernetes object`);
  return objects;
}

/** The objects of every `-f FILE`, in order (Lists expanded); throws ConfigError without one. */
export async function readObjects(flags: Flags): Promise<KubeObject[]> {
  const files = typeof flags.file === "string" ? [flags.file] : Array.isArray(flags.file) ? flags.file : [];
  if (files.length === 0) throw new ConfigError("-f FILE is required");
  const objects: KubeObject[] = [];
  for (const file of files) objects.push(...(await readObjectsOf(file)));
  return objects;
}

/** `inferplane mutate -f FILE`: the enhanced object as YAML and the JSONPatch. Exit 1 if any is denied. */
export async function mutateCommand(flags: Flags, io: Io): Promise<number> {
  const objects = (await readObjects(flags)).map(withNamespace);
  const ctx = await admissionContext(flags, objects);
  let code = 0;
  for (const obj of objects) {
    const run = dryRun(obj, ctx);
    const denial = !run.mutation.allowed
      ? run.mutation
      : run.validation?.allowed === false
        ? run.validation
        : undefined;
    if (denial) {
      io.err(`denied: ${verdictText(obj, denial.status?.message)}\n`);
      code = 1;
      continue;
    }
    for (const warning of [...(run.mutation.warnings ?? []), ...(run.validation?.warnings ?? [])])
      io.err(`warning: ${warning}\n`);
    io.out(`---\n${stringify(run.result)}`);
    io.out(`# patch (${run.patch.length} operations)\n# ${JSON.stringify(run.patch)}\n`);
  }
  return code;
}

/**
 * `inferplane validate -f FILE [-f FILE]...`: per object (List items one by one), unknown fields of
 * our kinds and the null fields the apiserver drops (warnings), then the verdict of the apiserver's
 * metadata and CRD schema checks and of the validating webhook. Exit 1 if one is invalid.
 */
export async function validateCommand(flags: Flags, io: Io): Promise<number> {
  const objects = (await readObjects(flags)).map(withNamespace);
  const ctx = await admissionContext(flags, objects);
  let code = 0;
  for (const obj of objects) {
    for (const notice of schemaNotices(obj)) io.err(`warning: ${describeObject(obj)}: ${formatFieldError(notice)}\n`);
    const response = validateOnly(obj, ctx);
    for (const warning of response.warnings ?? []) io.err(`warning: ${describeObject(obj)}: ${warning}\n`);
    if (response.allowed) io.out(`valid: ${describeObject(obj)}\n`);
    else {
      io.err(`invalid: ${verdictText(obj, response.status?.message)}\n`);
      code = 1;
    }
  }
  return code;
}

export async function certsCommand(flags: Flags, io: Io): Promise<number> {
  const config = serveConfig({ ...flags, standalone: true });
  const { bundle, written } = await ensureCertificates(config.certDir, {
    ...DEFAULT_CERT_POLICY,
    hosts: servingHosts(config.serviceName, config.namespace),
  });
  io.err(
    written.length > 0
      ? `wrote ${written.join(", ")} to ${config.certDir}\n`
      : `certificates in ${config.certDir} are valid; nothing written\n`,
  );
  io.out(`${caBundle(bundle.caCert)}\n`);
  return 0;
}
