import type { ExtenderBindingArgs } from "./wire.js";

/** Binds a pod to a node through the API server (the extender's optional bind verb). */
export interface Binder {
  bind(args: ExtenderBindingArgs): Promise<void>;
}
