// The API double in a process of its own, driven over IPC by a benchmark (bench/support/remote-double.ts):
// the benchmark's process then holds only what is measured, and the double's memory is reported apart.
import { ApiDouble, type StoredObject } from "../../test/support/api-double.js";

type Message =
  | { op: "seed"; resource: string; objects: StoredObject[] }
  | { op: "count"; resource: string }
  | { op: "report"; token: string }
  | { op: "stop" };

const api = new ApiDouble();
const port = await api.start();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

function reply(body: unknown): void {
  process.send?.(body);
}

process.on("message", (message: Message) => {
  switch (message.op) {
    case "seed":
      for (const obj of message.objects) api.create(message.resource, obj);
      reply({ ok: true });
      break;
    case "count":
      reply({ count: api.list(message.resource).length });
      break;
    case "report": {
      const requests = api.requestsBy.get(message.token) ?? [];
      const byVerb: Record<string, number> = {};
      for (const r of requests) byVerb[r.split(" ")[0]!] = (byVerb[r.split(" ")[0]!] ?? 0) + 1;
      reply({ requests: requests.length, byVerb, peakRss });
      break;
    }
    case "stop":
      clearInterval(sampler);
      void api.stop().then(() => process.exit(0));
      break;
  }
});
reply({ port });
