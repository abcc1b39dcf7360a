/**
 * NVIDIA MPS client limits (MPS documentation, "Environment Variables":
 * CUDA_MPS_PINNED_DEVICE_MEM_LIMIT is `<device>=<value>[,…]`, the value an integer followed by `M`
 * or `G`; NVIDIA's k8s-device-plugin writes its MPS limits as MiB counts with `M`, e.g. `4096M`).
 */

const MIB = 2 ** 20;

/**
 * The pinned device memory limit of `bytes` on one device, exact or rounded down to a whole MiB —
 * never above what was configured: 1536Mi → `0=1536M`, 512Mi → `0=512M`, 10Gi → `0=10G`,
 * 1G (10^9 bytes) → `0=953M`. Undefined below 1 MiB, which MPS cannot express.
 */
export function mpsPinnedMemoryLimit(bytes: number, device = 0): string | undefined {
  const mib = Math.floor(bytes / MIB);
  if (!(mib >= 1)) return undefined;
  return mib % 1024 === 0 ? `${device}=${mib / 1024}G` : `${device}=${mib}M`;
}
