/**
 * GPU product names as GPU Feature Discovery writes them in `nvidia.com/gpu.product`: NVML's device
 * name with spaces turned into dashes ("NVIDIA A100-SXM4-80GB" → NVIDIA-A100-SXM4-80GB). A family
 * name of the seed's kind (`nvidia-a100`) says no memory size or form factor, so it stands for
 * every product of the family below.
 */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  "nvidia-a100": ["NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-PCIE-40GB", "NVIDIA-A100-80GB-PCIe"],
  "nvidia-h100": ["NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-PCIe", "NVIDIA-H100-NVL"],
  "nvidia-h200": ["NVIDIA-H200", "NVIDIA-H200-NVL"],
  "nvidia-l4": ["NVIDIA-L4"],
  "nvidia-l40s": ["NVIDIA-L40S"],
};

/**
 * The products a `gpu.type` selects: the family's products for a family name (case-insensitive),
 * otherwise the value itself, taken as a GFD product name.
 */
export function productsOf(type: string): readonly string[] {
  return FAMILIES[type.toLowerCase()] ?? [type];
}
