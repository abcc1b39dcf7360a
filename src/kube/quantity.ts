/** Kubernetes resource quantities (`500m`, `16Gi`, `1e3`, `2`) in milli-units, as integers. */

const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const PATTERN = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

export class QuantityError extends Error {}

/**
 * Milli-units of a quantity (1 CPU = 1000, 1 byte = 1000, 1 GPU = 1000); throws QuantityError for
 * anything else: not a string or number, not Kubernetes' quantity syntax, or too large to be a
 * finite number here ("1e308" bytes: no sum or comparison of such a value means anything).
 */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") return finite(Math.round(value * 1000), value);
  if (typeof value !== "string") throw new QuantityError(`${JSON.stringify(value)} is not a Kubernetes quantity`);
  const match = PATTERN.exec(value.trim());
  if (!match) throw new QuantityError(`"${value}" is not a Kubernetes quantity`);
  const [, number, exponent, suffix] = match;
  const base = Number(number);
  const scale = exponent ? 10 ** Number(exponent.slice(1)) : suffix ? (BINARY[suffix] ?? DECIMAL[suffix] ?? 1) : 1;
  return finite(Math.ceil(base * scale * 1000 - 1e-6), value);
}

function finite(milli: number, value: string | number): number {
  if (!Number.isFinite(milli)) throw new QuantityError(`${JSON.stringify(value)} is too large a quantity`);
  return milli;
}

/** A quantity in whole units, rounded up as Kubernetes' Quantity.Value() does (bytes of a memory quantity). */
export function quantityValue(value: string | number): number {
  return Math.ceil(parseQuantity(value) / 1000);
}
