/** What the chart tells the InferenceService controller about the cluster (`serve` flags). */
export interface InferenceServiceSettings {
  /**
   * inferplane's own scheduler, when the chart runs one (`scheduler.mode: second` → `serve
   * --scheduler-name <scheduler.name>`); undefined otherwise.
   */
  ownScheduler?: string;
}

export const DEFAULT_INFERENCE_SERVICE_SETTINGS: InferenceServiceSettings = {};

/** Volcano's scheduler name (volcano-sh/volcano: the `schedulerName` its PodGroups' pods carry). */
export const VOLCANO_SCHEDULER = "volcano";

/** The scheduler a multi-node replica's pods get by default: inferplane's own when it runs, else Volcano. */
export function defaultGangScheduler(settings: InferenceServiceSettings): string {
  return settings.ownScheduler ?? VOLCANO_SCHEDULER;
}
