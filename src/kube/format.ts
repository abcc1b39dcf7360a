/** Milli-units back to a Kubernetes quantity: whole units when exact, else `<n>m`. */
export function formatQuantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
