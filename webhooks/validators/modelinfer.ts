import type { Container, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { brokenNames, podPlaceNames, type EmittedName } from "../../src/modelinfer/emitted-names.js";
import type { ModelInfer, Role } from "../../src/apis/matrixinfer.js";
import { MAX_CLUSTER_NODES, MAX_CLUSTER_PODS } from "../../src/kube/cluster-limits.js";
import type { FieldError } from "../field-errors.js";
import type { Findings } from "./findings.js";
import { brokenNameDetail, charactersBreak, nameRuleFix } from "./names.js";
import { podTemplateFindings } from "./pod-template.js";

/** One rule: the field errors it finds. */
type Rule = (mi: ModelInfer, old: ModelInfer | undefined) => FieldError[];

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_ROLE_NAME = 12;
const PERCENT = /^(\d{1,3})%$/;

function roles(mi: ModelInfer): Role[] {
  return mi.spec.template.roles;
}

const roleCount: Rule = (mi) => {
  const n = roles(mi).length;
  return n >= 1 && n <= 4
    ? []
    : [{ path: "spec.template.roles", detail: `has ${n} roles`, fix: "a ModelInfer has 1 to 4 roles" }];
};

const roleNames: Rule = (mi) => {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  roles(mi).forEach((role, i) => {
    if (!DNS1035.test(role.name) || role.name.length > MAX_ROLE_NAME) {
      problems.push({
        path: `spec.template.roles[${i}].name`,
        detail: `"${role.name}" must be a DNS-1035 label of at most ${MAX_ROLE_NAME} characters`,
        fix: "use lower-case letters, digits and '-', starting with a letter",
      });
    }
    if (seen.has(role.name))
      problems.push({
        path: `spec.template.roles[${i}].name`,
        detail: `"${role.name}" is used by another role`,
        fix: "give each role its own name",
      });
    seen.add(role.name);
  });
  return problems;
};

function negative(path: string, value: number): FieldError[] {
  return value < 0 ? [{ path, detail: `${value} is negative`, fix: "use 0 or more" }] : [];
}

const nonNegative: Rule = (mi) => [
  ...negative("spec.replicas", mi.spec.replicas ?? 1),
  ...roles(mi).flatMap((role, i) => [
    ...negative(`spec.template.roles[${i}].replicas`, role.replicas ?? 1),
    ...negative(`spec.template.roles[${i}].workerReplicas`, role.workerReplicas ?? 0),
  ]),
];

/**
 * A group's pods each hold GPUs of their own node, and all groups' pods must fit the largest
 * cluster (src/kube/cluster-limits.ts). The controller holds a stored ModelInfer that breaks it
 * rather than build its pods.
 */
export function modelInferScaleErrors(mi: ModelInfer): FieldError[] {
  const problems: FieldError[] = [];
  let perGroup = 0;
  roles(mi).forEach((role, i) => {
    const size = (role.workerReplicas ?? 0) + 1;
    perGroup += Math.max(0, role.replicas ?? 1) * size;
    if (size > MAX_CLUSTER_NODES)
      problems.push({
        path: `spec.template.roles[${i}].workerReplicas`,
        detail: `a group of ${size} pods spans more nodes than a Kubernetes cluster holds (${MAX_CLUSTER_NODES})`,
        fix: `use at most ${MAX_CLUSTER_NODES - 1} workers`,
      });
  });
  const pods = Math.max(0, mi.spec.replicas ?? 1) * perGroup;
  if (problems.length === 0 && pods > MAX_CLUSTER_PODS)
    problems.push({
      path: "spec.replicas",
      detail: `${pods} pods (${mi.spec.replicas ?? 1} groups of ${perGroup}) are more than a Kubernetes cluster runs (${MAX_CLUSTER_PODS})`,
      fix: "lower replicas, role replicas or workerReplicas",
    });
  return problems;
}

const scale: Rule = (mi) => modelInferScaleErrors(mi);

const workerTemplate: Rule = (mi) =>
  roles(mi).flatMap((role, i) =>
    (role.workerReplicas ?? 0) > 0 && !role.workerTemplate
      ? [
          {
            path: `spec.template.roles[${i}].workerTemplate`,
            detail: `required because workerReplicas is ${role.workerReplicas ?? 0}`,
            fix: "add a workerTemplate or set workerReplicas to 0",
          },
        ]
      : [],
  );

/** The names of a role's entry pod and last worker at the largest indices this ModelInfer makes. */
function largestNames(mi: ModelInfer, role: Role): EmittedName[] {
  const place = {
    modelInfer: mi.metadata.name ?? "",
    role: role.name,
    groupIndex: Math.max(0, (mi.spec.replicas ?? 1) - 1),
    roleIndex: Math.max(0, (role.replicas ?? 1) - 1),
    withService: true,
    withPodGroup: mi.spec.template.gangSchedule !== undefined,
  };
  return [
    ...podPlaceNames({ ...place, podIndex: 0 }),
    ...podPlaceNames({ ...place, podIndex: Math.max(0, role.workerReplicas ?? 0) }),
  ];
}

/**
 * Every name, hostname and label value the ModelInfer's pods, Services and PodGroups will carry
 * follows the apiserver's rule for where it lands (emitted-names.ts). A character the rule does not
 * allow is reported against metadata.name (once); a name too long against the role that makes it.
 */
const emittedNames: Rule = (mi) => {
  const name = mi.metadata.name ?? "";
  const problems = new Map<string, FieldError>();
  roles(mi).forEach((role, i) => {
    if (!DNS1035.test(role.name)) return; // roleNames reports it
    const broken = brokenNames(largestNames(mi, role))[0];
    if (!broken) return;
    const byName = charactersBreak(name, broken.rule) || broken.value === name;
    const path = byName ? "metadata.name" : `spec.template.roles[${i}]`;
    if (problems.has(path)) return;
    const source = byName ? "metadata.name" : "metadata.name or the role name";
    problems.set(path, { path, detail: brokenNameDetail(broken), fix: nameRuleFix(source, name, broken) });
  });
  return [...problems.values()];
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
              {
                path: `spec.template.roles[${i}].${which}`,
                detail: `container ${c.name} has ${c.image ? `image "${c.image}" with spaces` : "no image"}`,
                fix: "set a valid image reference",
              },
            ]
          : [],
      ),
    ),
  );

const minRoleReplicas: Rule = (mi) => {
  const min = mi.spec.template.gangSchedule?.minRoleReplicas ?? {};
  return Object.entries(min).flatMap(([name, value]) => {
    const role = roles(mi).find((r) => r.name === name);
    const path = `spec.template.gangSchedule.minRoleReplicas.${name}`;
    if (!role)
      return [
        {
          path,
          detail: `no role is named ${name}`,
          fix: `use one of: ${roles(mi)
            .map((r) => r.name)
            .join(", ")}`,
        },
      ];
    return value > (role.replicas ?? 1)
      ? [
          {
            path,
            detail: `${value} is more than the role's replicas ${role.replicas ?? 1}`,
            fix: "lower it or scale the role",
          },
        ]
      : [];
  });
};

const partition: Rule = (mi) => {
  const value = mi.spec.rolloutStrategy?.rollingUpdateConfiguration?.partition;
  const replicas = mi.spec.replicas ?? 1;
  return value !== undefined && replicas > 0 && value >= replicas
    ? [
        {
          path: "spec.rolloutStrategy.rollingUpdateConfiguration.partition",
          detail: `${value} is not below replicas ${replicas}, so no group would ever update`,
          fix: `set it below ${replicas}`,
        },
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
  const problems: FieldError[] = [];
  const budget = "use a non-negative integer or a percentage from 0% to 100%";
  if (unavailable === undefined)
    problems.push({
      path: `${path}.maxUnavailable`,
      detail: `${JSON.stringify(config.maxUnavailable)} is not a rollout budget`,
      fix: budget,
    });
  if (surge === undefined)
    problems.push({
      path: `${path}.maxSurge`,
      detail: `${JSON.stringify(config.maxSurge)} is not a rollout budget`,
      fix: budget,
    });
  if (unavailable === 0 && surge === 0)
    problems.push({
      path,
      detail: "maxUnavailable and maxSurge are both 0, so a rollout could never progress",
      fix: "raise one of them",
    });
  return problems;
};

/** Volcano's NetworkTopologySpec: "HighestTierName and HighestTierAllowed cannot be set simultaneously". */
const oneHighestTier: Rule = (mi) => {
  const nt = mi.spec.template.gangSchedule?.networkTopology;
  return nt?.highestTierAllowed !== undefined && nt.highestTierName !== undefined
    ? [
        {
          path: "spec.template.gangSchedule.networkTopology",
          detail: "sets both highestTierAllowed and highestTierName",
          fix: "keep one: Volcano's PodGroup takes the highest tier by number or by name, not both",
        },
      ]
    : [];
};

const immutableMinRoleReplicas: Rule = (mi, old) => {
  const before = old?.spec.template.gangSchedule?.minRoleReplicas;
  if (before === undefined) return [];
  const after = mi.spec.template.gangSchedule?.minRoleReplicas;
  return JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(after ?? {}).sort())
    ? []
    : [
        {
          path: "spec.template.gangSchedule.minRoleReplicas",
          detail: "may not change once set",
          fix: "create a new ModelInfer to change the gang's minimum",
        },
      ];
};

const MODELINFER_RULES: readonly Rule[] = [
  roleCount,
  roleNames,
  nonNegative,
  scale,
  workerTemplate,
  emittedNames,
  images,
  minRoleReplicas,
  partition,
  rollingBudget,
  oneHighestTier,
  immutableMinRoleReplicas,
];

/**
 * The entry and worker pod templates, checked as the apiserver will check the pods made from
 * them (pod-template.ts: Kubernetes' schema, then its Go rules), with the apiserver's warnings.
 */
function templateFindings(mi: ModelInfer): Findings {
  const found = roles(mi).flatMap((role, i) =>
    (["entryTemplate", "workerTemplate"] as const)
      .filter((which) => role[which] !== undefined)
      .map((which) => podTemplateFindings(role[which], `spec.template.roles[${i}].${which}`)),
  );
  return { problems: found.flatMap((f) => f.problems), warnings: found.flatMap((f) => f.warnings) };
}

/**
 * Every field error of a ModelInfer (CREATE: `old` undefined; UPDATE: the stored object), and the
 * warnings the apiserver would give its pods.
 */
export function modelInferFindings(mi: ModelInfer, old?: ModelInfer): Findings {
  // Untrusted input: the shape is checked before the typed rules read it.
  const shape = mi as { spec?: { template?: { roles?: unknown } } };
  if (!Array.isArray(shape.spec?.template?.roles))
    return {
      problems: [{ path: "spec.template.roles", detail: "required", fix: "a ModelInfer has 1 to 4 roles" }],
      warnings: [],
    };
  const templates = templateFindings(mi);
  return {
    problems: [...MODELINFER_RULES.flatMap((rule) => rule(mi, old)), ...templates.problems],
    warnings: templates.warnings,
  };
}

/** Every field error of a ModelInfer: its findings' problems. */
export function modelInferProblems(mi: ModelInfer, old?: ModelInfer): FieldError[] {
  return modelInferFindings(mi, old).problems;
}
