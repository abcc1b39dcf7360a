import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, whether running from `src/` through tsx or from `dist/src/`. */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(join("dist", "src")) ? join(here, "..", "..") : join(here, "..");
}

export const PACKAGE_ROOT = packageRoot();
export const DEFAULT_MANIFESTS_DIR = join(PACKAGE_ROOT, "examples");
