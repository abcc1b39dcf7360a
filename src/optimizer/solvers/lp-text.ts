/** Writes a model in the CPLEX LP format that HiGHS reads; terms wrap so no line grows long. */
export interface Term {
  coefficient: number;
  variable: string;
}

const TERMS_PER_LINE = 8;

function formatNumber(value: number): string {
  // LP readers take plain decimals; 12 significant digits keep cents exact.
  return Number(value.toPrecision(12)).toString();
}

function linear(terms: readonly Term[]): string {
  if (terms.length === 0) return "0";
  const parts = terms.map((t, i) => {
    const sign = t.coefficient < 0 ? "-" : i === 0 ? "" : "+";
    return `${sign} ${formatNumber(Math.abs(t.coefficient))} ${t.variable}`.trimStart();
  });
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += TERMS_PER_LINE) lines.push(parts.slice(i, i + TERMS_PER_LINE).join(" "));
  return lines.join("\n   ");
}

export interface LpModel {
  objective: Term[];
  constraints: { name: string; terms: Term[]; sense: "<=" | ">=" | "="; rhs: number }[];
  upperBounds: { variable: string; value: number }[];
  binaries: string[];
  generals: string[];
}

export function lpText(model: LpModel): string {
  const out = ["Minimize", ` obj: ${linear(model.objective)}`, "Subject To"];
  for (const c of model.constraints) out.push(` ${c.name}: ${linear(c.terms)} ${c.sense} ${formatNumber(c.rhs)}`);
  if (model.upperBounds.length > 0) {
    out.push("Bounds");
    for (const b of model.upperBounds) out.push(` 0 <= ${b.variable} <= ${formatNumber(b.value)}`);
  }
  for (const [section, names] of [
    ["Binary", model.binaries],
    ["General", model.generals],
  ] as const) {
    if (names.length === 0) continue;
    out.push(section);
    for (let i = 0; i < names.length; i += TERMS_PER_LINE) out.push(` ${names.slice(i, i + TERMS_PER_LINE).join(" ")}`);
  }
  out.push("End");
  return out.join("\n");
}
