import type { Container, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { podName } from "../../src/modelinfer/naming.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";

/** One rule: the problems it finds, each as "<field path>: <what is wrong>; <how to fix it>". */
type Rule = (mi: ModelInfer, old: ModelInfer | undefined) => string[];

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;
const MAX_ROLE_NAME = 12;
const PERCENT = /^(\d{1,3})%$/;

function roles(mi: ModelInfer): Role[] {
  return mi.spec.template.roles;
}

const roleCount: Rule = (mi) => {
  const n = roles(mi).length;
  return n >= 1 && n <= 4 ? [] : [`spec.template.roles: has ${n} roles; a ModelInfer has 1 to 4 roles`];
};

const roleNames: Rule = (mi) => {
  const problems: string[] = [];
  const seen = new Set<string>();
  roles(mi).forEach((role, i) => {
    if (!DNS1035.test(role.name) || role.name.length > MAX_ROLE_NAME) {
      problems.push(
        `spec.template.roles[${i}].name: "${role.name}" must be a DNS-1035 label of at most ${MAX_ROLE_NAME} characters (lower-case letters, digits, '-', starting with a letter)`,
      );
    }
    if (seen.has(role.name))
      problems.push(
        `spec.template.roles[${i}].name: "${role.name}" is used by another role; give each role its own name`,
      );
    seen.add(role.name);
  });
  return problems;
};

const nonNegative: Rule = (mi) => {
  const problems: string[] = [];
  if ((mi.spec.replicas ?? 1) < 0) problems.push(`spec.replicas: ${mi.spec.replicas ?? 1} is negative; use 0 or more`);
  roles(mi).forEach((role, i) => {
    if ((role.replicas ?? 1) < 0)
      problems.push(`spec.template.roles[${i}].replicas: ${role.replicas ?? 1} is negative; use 0 or more`);
    if ((role.workerReplicas ?? 0) < 0)
      problems.push(`spec.template.roles[${i}].workerReplicas: ${role.workerReplicas ?? 0} is negative; use 0 or more`);
  });
  return problems;
};

const workerTemplate: Rule = (mi) =>
  roles(mi).flatMap((role, i) =>
    (role.workerReplicas ?? 0) > 0 && !role.workerTemplate
      ? [
          `spec.template.roles[${i}].workerTemplate: required because workerReplicas is ${role.workerReplicas ?? 0}; add a workerTemplate or set workerReplicas to 0`,
        ]
      : [],
  );

/** The longest pod name the ModelInfer makes: every index at its largest. */
const podNames: Rule = (mi) => {
  const name = mi.metadata.name ?? "";
  return roles(mi).flatMap((role, i) => {
    const longest = podName(
      name,
      Math.max(0, (mi.spec.replicas ?? 1) - 1),
      role.name,
      Math.max(0, (role.replicas ?? 1) - 1),
      Math.max(0, role.workerReplicas ?? 0),
    );
    if (longest.length <= MAX_NAME && DNS1035.test(longest)) return [];
    return [
      `spec.template.roles[${i}]: pod name ${longest} (the longest this ModelInfer makes) is ${longest.length > MAX_NAME ? `${longest.length} characters, over ${MAX_NAME}` : "not a DNS-1035 label"}; shorten metadata.name or the role name`,
    ];
  });
};

function containersOf(template: PodTemplateSpec | undefined): Container[] {
  return [...(template?.spec?.initContainers ?? []), ...(template?.spec?.containers ?? [])];
}

const images: Rule = (mi) =>
  roles(mi).flatMap((role, i) =>
    (["entryTemplate", "workerTemplate"] as const).flatMap((which) =>
      containersOf(role[which]).flatMap((c) =>
        !c.image || /\s/.test(c.image)
          ? [
              `spec.template.roles[${i}].${which}: container ${c.name} has ${c.image ? `image "${c.image}" with spaces` : "no image"}; set a valid image reference`,
            ]
          : [],
      ),
    ),
  );

const minRoleReplicas: Rule = (mi) => {
  const min = mi.spec.template.gangSchedule?.minRoleReplicas ?? {};
  return Object.entries(min).flatMap(([name, value]) => {
    const role = roles(mi).find((r) => r.name === name);
    if (!role)
      return [
        `spec.template.gangSchedule.minRoleReplicas.${name}: no role is named ${name}; use one of: ${roles(mi)
          .map((r) => r.name)
          .join(", ")}`,
      ];
    return value > (role.replicas ?? 1)
      ? [
          `spec.template.gangSchedule.minRoleReplicas.${name}: ${value} is more than the role's replicas ${role.replicas ?? 1}; lower it or scale the role`,
        ]
      : [];
  });
};

const partition: Rule = (mi) => {
  const value = mi.spec.rolloutStrategy?.rollingUpdateConfiguration?.partition;
  const replicas = mi.spec.replicas ?? 1;
  return value !== undefined && replicas > 0 && value >= replicas
    ? [
        `spec.rolloutStrategy.rollingUpdateConfiguration.partition: ${value} is not below replicas ${replicas}; no group would ever update`,
      ]
    : [];
};

/** An int or a percentage string; undefined when it is neither (the problem text then says why). */
function intOrPercent(value: number | string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const match = PERCENT.exec(value);
  return match && Number(match[1]) <= 100 ? Number(match[1]) : undefined;
}

const rollingBudget: Rule = (mi) => {
  const config = mi.spec.rolloutStrategy?.rollingUpdateConfiguration ?? {};
  const path = "spec.rolloutStrategy.rollingUpdateConfiguration";
  const unavailable = intOrPercent(config.maxUnavailable, 1);
  const surge = intOrPercent(config.maxSurge, 0);
  const problems: string[] = [];
  if (unavailable === undefined)
    problems.push(
      `${path}.maxUnavailable: ${JSON.stringify(config.maxUnavailable)} must be a non-negative integer or a percentage from 0% to 100%`,
    );
  if (surge === undefined)
    problems.push(
      `${path}.maxSurge: ${JSON.stringify(config.maxSurge)} must be a non-negative integer or a percentage from 0% to 100%`,
    );
  if (unavailable === 0 && surge === 0)
    problems.push(
      `${path}: maxUnavailable and maxSurge are both 0, so a rollout could never progress; raise one of them`,
    );
  return problems;
};

const immutableMinRoleReplicas: Rule = (mi, old) => {
  const before = old?.spec.template.gangSchedule?.minRoleReplicas;
  if (before === undefined) return [];
  const after = mi.spec.template.gangSchedule?.minRoleReplicas;
  return JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(after ?? {}).sort())
    ? []
    : [
        "spec.template.gangSchedule.minRoleReplicas: may not change once set; create a new ModelInfer to change the gang's minimum",
      ];
};

const MODELINFER_RULES: readonly Rule[] = [
  roleCount,
  roleNames,
  nonNegative,
  workerTemplate,
  podNames,
  images,
  minRoleReplicas,
  partition,
  rollingBudget,
  immutableMinRoleReplicas,
];

/** Every problem of a ModelInfer (CREATE: `old` undefined; UPDATE: the stored object). */
export function modelInferProblems(mi: ModelInfer, old?: ModelInfer): string[] {
  // Untrusted input: the shape is checked before the typed rules read it.
  const shape = mi as { spec?: { template?: { roles?: unknown } } };
  if (!Array.isArray(shape.spec?.template?.roles))
    return ["spec.template.roles: required; a ModelInfer has 1 to 4 roles"];
  return MODELINFER_RULES.flatMap((rule) => rule(mi, old));
}
