import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { StaticRoute } from "../../src/apis/production-stack.js";
import { silentLogger } from "../../src/logging.js";
import { RouteHealthBook } from "../../src/controllers/staticroute/book.js";
import { nextHealth, type BackendHealth, type HealthState } from "../../src/controllers/staticroute/health.js";
import { probeBackend } from "../../src/controllers/staticroute/probe.js";
import { StaticRouteProber, isLoopback } from "../../src/controllers/staticroute/prober.js";
import { staticView } from "../support/static-view.js";

type Handler = (path: string) => { status: number; delayMs?: number };

/** A real HTTP server answering each path as `handler` says. */
async function engine(handler: Handler): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const { status, delayMs = 0 } = handler(req.url ?? "");
    setTimeout(() => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end("{}");
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

describe("StaticRoute backend health", function () {
  this.timeout(20_000);
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });
  async function serve(handler: Handler): Promise<{ url: string; hits: string[] }> {
    const e = await engine(handler);
    servers.push(e.server);
    return e;
  }

  describe("the state machine (kubelet-like thresholds)", () => {
    const run = (outcomes: boolean[], success: number, failure: number): HealthState[] => {
      let h: BackendHealth | undefined;
      return outcomes.map((ok) => {
        h = nextHealth(
          h,
          { ok, message: ok ? "ok" : "bad", at: "t" },
          { successThreshold: success, failureThreshold: failure },
        );
        return h.state;
      });
    };
    const TABLE: [string, boolean[], number, number, HealthState[]][] = [
      ["one pass makes it Healthy", [true], 1, 3, ["Healthy"]],
      ["failures below the threshold keep it Healthy", [true, false, false], 1, 3, ["Healthy", "Healthy", "Healthy"]],
      [
        "the third failure in a row makes it Unhealthy",
        [true, false, false, false],
        1,
        3,
        ["Healthy", "Healthy", "Healthy", "Unhealthy"],
      ],
      [
        "a pass resets the failure run",
        [true, false, false, true, false, false],
        1,
        3,
        Array<HealthState>(6).fill("Healthy"),
      ],
      [
        "successThreshold 2: Unknown until two passes in a row",
        [true, false, true, true],
        2,
        1,
        ["Unknown", "Unhealthy", "Unhealthy", "Healthy"],
      ],
      ["flapping never crosses 2/2", [true, false, true, false, true], 2, 2, Array<HealthState>(5).fill("Unknown")],
    ];
    for (const [name, outcomes, s, f, states] of TABLE)
      it(name, () => {
        assert.deepEqual(run(outcomes, s, f), states);
      });
  });

  describe("one probe against a real server", () => {
    it("passes on GET /health 200", async () => {
      const e = await serve(() => ({ status: 200 }));
      const outcome = await probeBackend(e.url, 2000);
      assert.deepEqual([outcome.ok, outcome.message], [true, "GET /health: HTTP 200"]);
      assert.deepEqual(e.hits, ["/health"]);
    });

    it("fails on HTTP 500", async () => {
      const e = await serve(() => ({ status: 500 }));
      const outcome = await probeBackend(e.url, 2000);
      assert.deepEqual([outcome.ok, outcome.message], [false, "GET /health: HTTP 500"]);
    });

    it("fails when the answer comes after the timeout", async () => {
      const e = await serve(() => ({ status: 200, delayMs: 1500 }));
      const outcome = await probeBackend(e.url, 300);
      assert.equal(outcome.ok, false);
      assert.match(outcome.message, /^GET \/health: no answer within 0\.3 s$/);
    });

    it("asks /v1/models when /health is not served", async () => {
      const e = await serve((path) => ({ status: path === "/v1/models" ? 200 : 404 }));
      const outcome = await probeBackend(e.url, 2000);
      assert.deepEqual([outcome.ok, outcome.message], [true, "GET /v1/models: HTTP 200"]);
      assert.deepEqual(e.hits, ["/health", "/v1/models"]);
    });

    it("fails when nothing listens", async () => {
      const e = await serve(() => ({ status: 200 }));
      await close(servers.pop()!);
      const outcome = await probeBackend(e.url, 1000);
      assert.deepEqual([outcome.ok, outcome.message], [false, "GET /health: ECONNREFUSED"]);
    });
  });

  describe("the prober over StaticRoutes", () => {
    function route(urls: string[], check: StaticRoute["spec"]["healthCheck"]): StaticRoute {
      return {
        apiVersion: "production-stack.vllm.ai/v1alpha1",
        kind: "StaticRoute",
        metadata: { name: "r", namespace: "ml", uid: "u" },
        spec: { staticBackends: urls.join(","), staticModels: urls.map(() => "m").join(","), healthCheck: check },
      };
    }

    /** Runs the prober's ticks at times `at` (ms), each waiting for the probes it started. */
    async function ticks(
      prober: StaticRouteProber,
      book: RouteHealthBook,
      url: string,
      at: number[],
    ): Promise<string[]> {
      const states: string[] = [];
      for (const t of at) {
        prober.tick(t);
        await prober.stop();
        states.push(book.backend("ml/r", url)?.state ?? "none");
      }
      return states;
    }

    it("probes each backend once per period, and a flapping backend crosses the thresholds as the kubelet's would", async () => {
      let calls = 0;
      const flapping = await serve(() => ({ status: [200, 200, 500, 200, 500, 500, 200][calls++] ?? 200 }));
      const healthy = await serve(() => ({ status: 200 }));
      const book = new RouteHealthBook();
      const view = staticView([
        route([flapping.url, healthy.url], { periodSeconds: 10, successThreshold: 2, failureThreshold: 2 }),
      ]);
      const prober = new StaticRouteProber({ view, book, log: silentLogger, probeable: () => true });
      const states = await ticks(
        prober,
        book,
        flapping.url,
        [0, 5_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000],
      );
      // 200, (not due), 200 → Healthy, 500, 200, 500, 500 → Unhealthy, 200.
      assert.deepEqual(states, [
        "Unknown",
        "Unknown",
        "Healthy",
        "Healthy",
        "Healthy",
        "Healthy",
        "Unhealthy",
        "Unhealthy",
      ]);
      assert.equal(calls, 7);
      assert.equal(healthy.hits.length, 7);
      assert.equal(book.backend("ml/r", healthy.url)?.state, "Healthy");
    });

    it("a slow backend turns Unhealthy after failureThreshold timeouts; loopback backends are reported, not probed", async () => {
      const slow = await serve(() => ({ status: 200, delayMs: 2000 }));
      const book = new RouteHealthBook();
      const view = staticView([route([slow.url], { timeoutSeconds: 1, periodSeconds: 1, failureThreshold: 2 })]);
      const prober = new StaticRouteProber({ view, book, log: silentLogger, probeable: () => true });
      assert.deepEqual(await ticks(prober, book, slow.url, [0, 1000]), ["Unknown", "Unhealthy"]);
      assert.match(book.backend("ml/r", slow.url)!.message, /no answer within 1 s/);

      const seedLike = staticView([route(["http://localhost:9001"], {})]);
      const loop = new StaticRouteProber({ view: seedLike, book, log: silentLogger });
      loop.tick(0);
      await loop.stop();
      assert.equal(isLoopback("http://localhost:9001"), true);
      assert.deepEqual(
        [book.backend("ml/r", "http://localhost:9001")?.state, book.backend("ml/r", slow.url)],
        ["Unknown", undefined],
        "loopback reported Unknown; the backend no longer listed is forgotten",
      );
    });
  });
});
