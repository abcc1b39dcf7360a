import type { ClusterView } from "../src/cluster-view/cluster-view.js";
import type { OptInPolicy } from "./opt-in.js";

/** What the admission processors read besides the request itself. */
export interface AdmissionContext {
  view: ClusterView;
  policy: OptInPolicy;
  /** Set when inferplane's own scheduler runs: gang pods are routed to it. */
  schedulerName?: string;
}
