// Answers large AdmissionReviews off the event loop: parsing and enhancing a multi-megabyte pod
// takes tens of milliseconds, during which small admission requests would wait.
import { workerData } from "node:worker_threads";
import { MirrorView, type AdmissionSnapshot } from "../cluster-view/mirror-view.js";
import { lowerThreadPriority, serveJobs } from "../work/worker-side.js";
import { answerAdmission, type AdmissionAnswer } from "./admission-answer.js";
import type { AdmissionJob, AdmissionWorkerData } from "./admission-lane.js";

const data = workerData as AdmissionWorkerData;
const view = new MirrorView();
view.load(data.snapshot);
const context = {
  view,
  policy: { excludedNamespaces: new Set(data.excludedNamespaces) },
  schedulerName: data.schedulerName,
};

lowerThreadPriority();
serveJobs<AdmissionJob, AdmissionAnswer, AdmissionSnapshot>({
  job: (job) => answerAdmission(job.webhook, job.body, context),
  broadcast: (snapshot) => {
    view.load(snapshot);
  },
});
