import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { InferenceService } from "../../src/apis/inference-ai.js";
import type { ModelInfer } from "../../src/apis/matrixinfer.js";
import { serveConfig } from "../../src/config.js";
import { references } from "../../src/controllers/inferenceservice/dependencies.js";
import { inferenceServiceDesired } from "../../src/controllers/inferenceservice/desired.js";
import { PODGROUP_CRD } from "../../src/controllers/inferenceservice/gang.js";
import { inferenceServiceStatus } from "../../src/controllers/inferenceservice/status.js";
import type { InferenceServiceSettings } from "../../src/controllers/inferenceservice/settings.js";
import { desiredState } from "../../src/controllers/modelinfer/desired.js";
import { crdSchema } from "../../src/apis/crds.js";
import { schemaProblems } from "../support/crd-schema.js";
import { assertValidKubernetes } from "../support/schema.js";
import { StaticView } from "../support/static-view.js";
import { childOfKind, inferenceService } from "./support.js";

const CRD_KEY = `CustomResourceDefinition /${PODGROUP_CRD}`;
const PODGROUPS_INSTALLED = new Map([[CRD_KEY, true]]);
const PODGROUPS_ABSENT = new Map([[CRD_KEY, false]]);
const OWN: InferenceServiceSettings = { ownScheduler: "inferplane-scheduler" };
const multiNode = (spec: Partial<InferenceService["spec"]> = {}): InferenceService =>
  inferenceService("big", { gpu: { count: 8 }, backendConfig: { pipelineParallelism: 2 }, ...spec });

/** The scheduler names of the pods the ModelInfer controller makes from the InferenceService's ModelInfer. */
function podSchedulers(svc: InferenceService, settings?: InferenceServiceSettings): (string | undefined)[] {
  const mi = childOfKind<ModelInfer>(
    inferenceServiceDesired(svc, new StaticView(), undefined, settings).children,
    "ModelInfer",
  );
  assert.deepEqual(schemaProblems(crdSchema("workload.matrixinfer.ai/v1alpha1", "ModelInfer")!, mi), []);
  const pods = desiredState({ ...mi, metadata: { ...mi.metadata, uid: "mi-uid" } }).flatMap((g) => g.pods);
  assert.equal(pods.length, 2, "an entry and a worker");
  for (const pod of pods) assertValidKubernetes(pod);
  return pods.map((p) => p.spec?.schedulerName);
}

function gang(svc: InferenceService, lookups?: Map<string, boolean>, settings?: InferenceServiceSettings): string {
  const status = inferenceServiceStatus(svc, new StaticView(), new Date(0), lookups, settings);
  const c = status.conditions?.find((x) => x.type === "GangScheduling");
  return c ? `${c.status}/${c.reason ?? ""}` : "none";
}

describe("InferenceService gang scheduling (spec.schedulerName)", () => {
  it("a multi-node replica's pods go to Volcano by default, to inferplane's scheduler when the chart runs one", () => {
    assert.deepEqual(podSchedulers(multiNode()), ["volcano", "volcano"]);
    assert.deepEqual(podSchedulers(multiNode(), OWN), ["inferplane-scheduler", "inferplane-scheduler"]);
    assert.deepEqual(podSchedulers(multiNode({ schedulerName: "kai-scheduler" }), OWN), [
      "kai-scheduler",
      "kai-scheduler",
    ]);
  });

  it("single-node pods keep the cluster's default scheduler unless the spec names one", () => {
    const template = (svc: InferenceService): Deployment =>
      childOfKind<Deployment>(inferenceServiceDesired(svc, new StaticView(), undefined, OWN).children, "Deployment");
    assert.equal(template(inferenceService("one")).spec?.template.spec?.schedulerName, undefined);
    const named = template(inferenceService("one", { schedulerName: "kai-scheduler" }));
    assertValidKubernetes(named);
    assert.equal(named.spec?.template.spec?.schedulerName, "kai-scheduler");
  });

  it("spec.schedulerName is a DNS-1123 subdomain, as the pod's field must be", () => {
    const crd = crdSchema("inference.ai/v1alpha1", "InferenceService")!;
    assert.deepEqual(schemaProblems(crd, multiNode({ schedulerName: "sched.example.com" })), []);
    assert.notDeepEqual(schemaProblems(crd, multiNode({ schedulerName: "Kai_Scheduler" })), []);
  });

  it("reads Volcano's PodGroup CRD for multi-node services only", () => {
    const crds = (svc: InferenceService): string[] => references(svc).map((r) => r.name);
    assert.ok(crds(multiNode()).includes(PODGROUP_CRD));
    assert.ok(!crds(inferenceService("one")).includes(PODGROUP_CRD));
  });

  it("GangScheduling says when a replica cannot be placed whole: no PodGroup CRD, or a scheduler ignoring PodGroups", () => {
    assert.equal(gang(multiNode(), PODGROUPS_ABSENT), "False/PodGroupCRDMissing");
    assert.equal(gang(multiNode(), PODGROUPS_ABSENT, OWN), "False/PodGroupCRDMissing");
    assert.equal(gang(multiNode(), PODGROUPS_INSTALLED), "True/GangScheduler");
    assert.equal(gang(multiNode(), PODGROUPS_INSTALLED, OWN), "True/GangScheduler");
    assert.equal(gang(multiNode(), undefined), "Unknown/NotChecked");
    assert.equal(gang(multiNode({ schedulerName: "default-scheduler" }), PODGROUPS_INSTALLED), "False/NoGangScheduler");
    assert.equal(gang(multiNode({ schedulerName: "kai-scheduler" }), PODGROUPS_INSTALLED), "Unknown/SchedulerNotKnown");
    assert.equal(gang(inferenceService("one"), PODGROUPS_ABSENT), "none");
  });

  it("serve --scheduler-name (the chart's scheduler.mode=second) is the controller's own scheduler", () => {
    const flagged = serveConfig({ "scheduler-name": "inferplane-scheduler", standalone: true }, {});
    assert.equal(flagged.controllers.inferenceService.ownScheduler, "inferplane-scheduler");
    assert.equal(serveConfig({ standalone: true }, {}).controllers.inferenceService.ownScheduler, undefined);
  });
});
