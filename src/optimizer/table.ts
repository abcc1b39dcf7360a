import type { Solution } from "./solution.js";

function pad(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => (col >= 4 ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : "-");

/** The CLI's table: one row per server, then the total, the greedy's gap, what went unserved and card usage. */
export function formatSolution(solution: Solution): string {
  const latency = solution.version === "v1" ? "WAIT(ms)" : "TTFT(ms)";
  const rows = [["SERVER", "CLASS", "MODEL", "ACCELERATOR", "REPLICAS", "BATCH", "ITL(ms)", latency, "COST"]];
  for (const a of solution.allocations) {
    const accelerator =
      a.parts.length > 1 ? a.parts.map((p) => `${p.accelerator}×${p.replicas}`).join("+") : a.accelerator;
    rows.push([
      a.server.name,
      a.server.serviceClass,
      a.server.model,
      accelerator + (a.saturated ? " (saturated)" : ""),
      String(a.replicas),
      String(a.batchSize),
      fixed(a.itl, 2),
      fixed(a.latency, 2),
      fixed(a.cost, 2),
    ]);
  }
  const lines = [
    pad(rows),
    "",
    `total cost: ${fixed(solution.totalCost, 2)} cents/hour (${solution.solver}, ${solution.status})`,
  ];
  if (solution.greedy)
    lines.push(
      `greedy on the same candidates: ${fixed(solution.greedy.totalCost, 2)} (${fixed(solution.greedy.gap * 100, 2)}% above the optimum)`,
    );
  for (const u of solution.unallocated) lines.push(`not allocated: ${u.server}: ${u.reason}`);
  const usage = [...solution.usage].filter(([, u]) => u.used > 0 || u.available !== undefined);
  if (usage.length > 0)
    lines.push(
      `cards used: ${usage.map(([type, u]) => `${type} ${u.used}${u.available === undefined ? "" : `/${u.available}`}`).join(", ")}`,
    );
  return `${lines.join("\n")}\n`;
}
