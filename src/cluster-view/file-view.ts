import { watch, type FSWatcher } from "node:fs";
import type { Logger } from "../logging.js";
import type { KubeObject } from "../kube/object.js";
import { loadManifestDir } from "./manifests.js";
import { SERVED_KINDS } from "./served-kinds.js";
import { StoreView } from "./store-view.js";

const CLUSTER_SCOPED = new Set([
  ...SERVED_KINDS.filter((s) => !s.kind.namespaced).map((s) => s.kind.kind),
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
]);

/** Objects without a namespace default to `default`, as `kubectl apply` would place them. */
export function withNamespace(obj: KubeObject): KubeObject {
  if (obj.metadata?.namespace || CLUSTER_SCOPED.has(obj.kind ?? "")) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace: "default" } };
}

/**
 * Standalone cluster view: the objects in the YAML files of one directory. A change to the
 * files reloads them; a reload that fails keeps the last good content.
 */
export class FileClusterView extends StoreView {
  private synced = false;
  private watcher: FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly watchFiles = true,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.reload();
    this.synced = true;
    if (this.watchFiles) {
      this.watcher = watch(this.dir, { recursive: true }, () => {
        this.scheduleReload();
      });
      this.watcher.on("error", (err) => {
        this.log.warn("manifest watch failed", { dir: this.dir, error: err.message });
      });
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
    return Promise.resolve();
  }

  /** Reads the directory again; throws (and keeps the old content) when a file is invalid. */
  async reload(): Promise<void> {
    const objects = (await loadManifestDir(this.dir)).map(withNamespace);
    this.stores.replaceAll(objects);
    this.log.info("manifests loaded", { dir: this.dir, objects: objects.length, served: this.stores.counts() });
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reload().catch((err: unknown) => {
        this.log.warn("manifest reload failed; keeping the last good content", { dir: this.dir, error: String(err) });
      });
    }, 200);
  }

  hasSynced(): boolean {
    return this.synced;
  }
}
