import type { CoreV1Event, V1ObjectReference } from "@kubernetes/client-node";

/** A new Event about `involved`, as `kubectl describe` shows it, from one of inferplane's components. */
export function eventFor(
  involved: V1ObjectReference & { namespace: string; name: string },
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  component: string,
): CoreV1Event {
  const now = new Date();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: `${involved.name}.`, namespace: involved.namespace },
    involvedObject: involved,
    type,
    reason,
    message,
    source: { component },
    reportingComponent: component,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
