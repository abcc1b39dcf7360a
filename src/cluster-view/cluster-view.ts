import type { ModelInfer } from "../modelinfer/types.js";

/**
 * The one read-only view of the cluster that the webhooks (and later the extender) read.
 * Lookups are in-memory and synchronous: admission never waits on the API server.
 */
export interface ClusterView {
  getModelInfer(namespace: string, name: string): ModelInfer | undefined;
  listModelInfers(): readonly ModelInfer[];
  /** True once the first full list of every kind has been loaded. */
  hasSynced(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}
