import { strict as assert } from "node:assert";
import { LeaderElector } from "../src/controllers/runtime/leader-election.js";
import { silentLogger } from "../src/logging.js";
import { ApiDouble } from "./support/api-double.js";
import { waitFor } from "./support/test-server.js";

describe("Lease leader election (against the API double)", function () {
  this.timeout(20_000);
  let api: ApiDouble;
  const electors: LeaderElector[] = [];
  beforeEach(async () => {
    api = new ApiDouble();
    await api.start();
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    await api.stop();
  });

  function candidate(identity: string, events: string[]): LeaderElector {
    const elector = new LeaderElector({
      kubeconfig: api.kubeConfig(),
      namespace: "inferplane-system",
      name: "inferplane-controller",
      identity,
      leaseDurationMs: 1000,
      retryPeriodMs: 50,
      log: silentLogger,
      onStartedLeading: () => events.push(`${identity} leads`),
      onStoppedLeading: () => events.push(`${identity} stops`),
    });
    electors.push(elector);
    return elector;
  }

  it("elects exactly one of two candidates, and the other takes over when the leader steps down", async () => {
    const events: string[] = [];
    const a = candidate("a", events);
    const b = candidate("b", events);
    a.start();
    b.start();
    await waitFor(() => a.isLeader || b.isLeader, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.notEqual(a.isLeader, b.isLeader, "exactly one leads");
    const [leader, other] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    await waitFor(() => other.isLeader, 5000);
    assert.equal(leader.isLeader, false);
    const lease = api.get("coordination.k8s.io/v1/leases", "inferplane-system", "inferplane-controller");
    assert.equal((lease?.spec as { holderIdentity?: string }).holderIdentity, other === a ? "a" : "b");
    assert.equal(events.filter((e) => e.endsWith("leads")).length, 2);
  });

  it("takes over a Lease whose holder stopped renewing, once it expires", async () => {
    const events: string[] = [];
    const stale = new Date(Date.now() - 5000).toISOString();
    api.create("coordination.k8s.io/v1/leases", {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "inferplane-controller", namespace: "inferplane-system" },
      spec: { holderIdentity: "gone", leaseDurationSeconds: 1, renewTime: stale, acquireTime: stale },
    });
    const c = candidate("c", events);
    c.start();
    await waitFor(() => c.isLeader, 5000);
    assert.equal(
      (
        api.get("coordination.k8s.io/v1/leases", "inferplane-system", "inferplane-controller")?.spec as {
          leaseTransitions?: number;
        }
      ).leaseTransitions,
      1,
    );
  });

  it("does not take a Lease that is held and renewed", async () => {
    const fresh = new Date(Date.now() + 60_000).toISOString();
    api.create("coordination.k8s.io/v1/leases", {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "inferplane-controller", namespace: "inferplane-system" },
      spec: { holderIdentity: "other", leaseDurationSeconds: 15, renewTime: fresh },
    });
    const d = candidate("d", []);
    d.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(d.isLeader, false);
  });
});
