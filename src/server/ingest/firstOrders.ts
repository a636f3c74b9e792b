/**
 * Which order event is the first of its order_id (GMV and orders count an order once, at its
 * first order event). Kept in memory, loaded from the store on start; an earlier event that
 * arrives late takes the flag over and the store demotes the old row in the same commit.
 */
export class FirstOrders {
  constructor(private readonly firstTs: Map<string, number>) {}

  /** Marks the event; returns whether it is first and whether an older row must be demoted. */
  claim(orderId: string, ts: number): { first: boolean; demote: boolean; undo: () => void } {
    const known = this.firstTs.get(orderId);
    if (known !== undefined && known <= ts) return { first: false, demote: false, undo: () => undefined };
    this.firstTs.set(orderId, ts);
    const undo = () => (known === undefined ? this.firstTs.delete(orderId) : this.firstTs.set(orderId, known));
    return { first: true, demote: known !== undefined, undo };
  }

  get size(): number {
    return this.firstTs.size;
  }
}
