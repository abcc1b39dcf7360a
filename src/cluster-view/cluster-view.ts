import type { ModelInfer } from "../modelinfer/types.js";
import type { ClusterStores } from "./stores.js";

/**
 * The one read-only view of the cluster that the webhooks (and later the extender) read.
 * Lookups are in-memory and synchronous: admission never waits on the API server.
 */
export interface ClusterView {
  /** Every object and derived index (nodes, pods, gangs, topology), for the extender. */
  readonly stores: ClusterStores;
  getModelInfer(namespace: string, name: string): ModelInfer | undefined;
  listModelInfers(): readonly ModelInfer[];
  /** True once the first full list of every kind has been loaded. */
  hasSynced(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}
