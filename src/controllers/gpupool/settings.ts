/**
 * Where the GPUPool controller writes, set by the chart (`gpuPool.*` values → `serve` flags).
 * GPU Operator must be pointed at the two ConfigMaps: `ClusterPolicy.spec.devicePlugin.config.name`
 * and `ClusterPolicy.spec.migManager.config.name` (README, "GPU pools").
 */
export interface GpuPoolSettings {
  /** GPU Operator's namespace: both ConfigMaps live there. Default `gpu-operator`. */
  namespace: string;
  /** The device-plugin ConfigMap, one key per pool. Default `inferplane-device-plugin-config`. */
  devicePluginConfigMap: string;
  /** The mig-parted ConfigMap, key `config.yaml`. Default `inferplane-mig-parted-config`. */
  migPartedConfigMap: string;
  /**
   * Label the pools' nodes (`nvidia.com/device-plugin.config`, `nvidia.com/mig.config`). Default
   * false: the status then lists the labels to set.
   */
  nodeWrites: boolean;
}

export const DEFAULT_GPU_POOL_SETTINGS: GpuPoolSettings = {
  namespace: "gpu-operator",
  devicePluginConfigMap: "inferplane-device-plugin-config",
  migPartedConfigMap: "inferplane-mig-parted-config",
  nodeWrites: false,
};
