import type { Container, ContainerPort, PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { podTemplateSchemaFindings } from "../../src/kube/official-schema.js";
import { DNS1123_LABEL_RULE } from "../../src/kube/validation.js";
import type { FieldError } from "../field-errors.js";
import type { Findings } from "./findings.js";
import { annotationErrors, labelErrors } from "./object-meta.js";
import { resourceRequirementsErrors } from "./resource-requirements.js";

/*
 * A pod template written in a custom resource (a ModelInfer's entryTemplate and workerTemplate,
 * which the CRD keeps as unknown fields), checked as kube-apiserver will check the pods made from
 * it: first Kubernetes' own schema (src/kube/official-schema.ts), then, on a template the schema
 * holds, the rules the apiserver applies in Go that no schema carries (k8s.io/kubernetes
 * pkg/apis/core/validation: ValidatePodSpec, validateContainers, validateContainerPorts,
 * AccumulateUniqueHostPorts, ValidateResourceRequirements; pkg/api/pod/warnings.go for the
 * duplicate-port warning). Pure.
 */

const LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

/** IANA_SVC_NAME (validation.IsValidPortName): at most 15 of a-z, 0-9 and '-', a letter, no '--', no '-' at an end. */
function portNameErrors(name: string): string[] {
  const errors: string[] = [];
  if (name.length > 15) errors.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name)) errors.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (name.includes("--")) errors.push("must not contain consecutive hyphens");
  if (!/[a-z]/.test(name)) errors.push("must contain at least one letter (a-z)");
  if (name.startsWith("-") || name.endsWith("-")) errors.push("must not begin or end with a hyphen");
  return errors;
}

const isPortNumber = (n: number): boolean => n >= 1 && n <= 65535;

function portError(at: string, port: ContainerPort, seen: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  const name = port.name ?? "";
  const problems = name === "" ? [] : portNameErrors(name);
  if (problems.length > 0)
    errors.push({ path: `${at}.name`, detail: `"${name}": ${problems.join(" and ")}`, fix: "name it like http" });
  else if (name !== "" && seen.has(name))
    errors.push({ path: `${at}.name`, detail: `Duplicate value: "${name}"`, fix: "give each port its own name" });
  seen.add(name);
  if (!isPortNumber(port.containerPort))
    errors.push({ path: `${at}.containerPort`, detail: `${port.containerPort} is not a port`, fix: "use 1 to 65535" });
  if (port.hostPort !== undefined && port.hostPort !== 0 && !isPortNumber(port.hostPort))
    errors.push({ path: `${at}.hostPort`, detail: `${port.hostPort} is not a port`, fix: "use 1 to 65535" });
  return errors;
}

/** One container's ports: names well formed and unique in the container, numbers 1–65535. */
function portErrors(path: string, ports: readonly ContainerPort[] | undefined): FieldError[] {
  const seen = new Set<string>();
  return (ports ?? []).flatMap((port, i) => portError(`${path}.ports[${i}]`, port, seen));
}

interface Located<T> {
  path: string;
  value: T;
}

/** Every container with its path, in the apiserver's visiting order (init, app, ephemeral). */
function containers(spec: PodSpec, prefix: string): Located<Container>[] {
  return LISTS.flatMap((field) =>
    (spec[field] ?? []).map((value, i) => ({ path: `${prefix}.spec.${field}[${i}]`, value })),
  );
}

/** Every port of the pod with its path. */
function ports(spec: PodSpec, prefix: string): Located<ContainerPort>[] {
  return containers(spec, prefix).flatMap((c) =>
    (c.value.ports ?? []).map((value, j) => ({ path: `${c.path}.ports[${j}]`, value })),
  );
}

/** A hostPort taken twice with the same protocol and address is an error; a containerPort twice, the apiserver's warning. */
function portClashes(spec: PodSpec, prefix: string, f: Findings): void {
  const hosts = new Map<string, string>();
  const defined = new Map<string, string>();
  for (const { path, value: port } of ports(spec, prefix)) {
    const protocol = port.protocol ?? "TCP";
    const host = `${port.hostIP ?? ""}/${port.hostPort ?? 0}/${protocol}`;
    const firstHost = port.hostPort ? hosts.get(host) : undefined;
    if (firstHost)
      f.problems.push({
        path: `${path}.hostPort`,
        detail: `Duplicate value: "${port.hostPort ?? 0}/${protocol}", as at ${firstHost}`,
        fix: "take each host port once",
      });
    else if (port.hostPort) hosts.set(host, path);
    const key = `${port.containerPort}/${host}`;
    const first = defined.get(key);
    if (first) f.warnings.push(`${path}: duplicate port definition with ${first}`);
    else defined.set(key, path);
  }
}

/** Container names: DNS-1123 labels, unique across init, app and ephemeral containers; their ports and resources. */
function containerErrors(spec: PodSpec, prefix: string): FieldError[] {
  const seen = new Set<string>();
  return containers(spec, prefix).flatMap(({ path, value: c }): FieldError[] => {
    const problems = DNS1123_LABEL_RULE.check(c.name);
    const name: FieldError[] =
      problems.length > 0
        ? [
            {
              path: `${path}.name`,
              detail: `"${c.name}" is not a DNS-1123 label: ${problems.join(" and ")}`,
              fix: `use ${DNS1123_LABEL_RULE.allows}`,
            },
          ]
        : seen.has(c.name)
          ? [{ path: `${path}.name`, detail: `Duplicate value: "${c.name}"`, fix: "give each container its own name" }]
          : [];
    seen.add(c.name);
    return [...name, ...portErrors(path, c.ports), ...resourceRequirementsErrors(`${path}.resources`, c.resources)];
  });
}

/**
 * A pod template's field errors (problems) and the apiserver's warnings for it, under `prefix`
 * (`spec.template.roles[0].entryTemplate`): the official schema's findings, else the Go rules.
 */
export function podTemplateFindings(template: unknown, prefix: string): Findings {
  const schema = podTemplateSchemaFindings(template, prefix);
  if (schema.length > 0) return { problems: schema, warnings: [] };
  const t = template as PodTemplateSpec;
  const spec: PodSpec = t.spec ?? { containers: [] };
  const f: Findings = {
    problems: [
      ...labelErrors(`${prefix}.metadata.labels`, t.metadata?.labels),
      ...annotationErrors(`${prefix}.metadata.annotations`, t.metadata?.annotations),
      ...containerErrors(spec, prefix),
    ],
    warnings: [],
  };
  portClashes(spec, prefix, f);
  return f;
}
