/** Cards still free per accelerator type; a type the data does not list has none. */
export class Available {
  private readonly free: Map<string, number>;

  constructor(capacity: ReadonlyMap<string, number>) {
    this.free = new Map(capacity);
  }

  of(type: string): number {
    return this.free.get(type) ?? 0;
  }

  take(type: string, cards: number): boolean {
    const left = this.of(type);
    if (left < cards) return false;
    this.free.set(type, left - cards);
    return true;
  }

  /** Returns cards a moved server no longer holds. */
  give(type: string, cards: number): void {
    this.free.set(type, this.of(type) + cards);
  }

  /** How many replicas of `cardsPerReplica` cards fit, at most `wanted`. */
  fit(type: string, cardsPerReplica: number, wanted: number): number {
    if (cardsPerReplica <= 0) return wanted;
    return Math.min(Math.floor(this.of(type) / cardsPerReplica), wanted);
  }

  snapshot(): Map<string, number> {
    return new Map(this.free);
  }
}
