/**
 * visitor_id -> small integer, so distinct counts, joins and the funnel work on integers instead
 * of strings. The dictionary is a table written in the same transaction as the events; this map
 * mirrors it in memory (about 100 bytes a visitor) so ingest never asks the database.
 */
export class VisitorIds {
  private next: number;

  constructor(
    private readonly ids: Map<string, number>,
    maxVid: number,
  ) {
    this.next = maxVid + 1;
  }

  /** The vid of every row, and the visitors seen for the first time (to append to the table). */
  assign(visitorIds: string[]): { vids: number[]; fresh: Array<[string, number]> } {
    const fresh: Array<[string, number]> = [];
    const vids = visitorIds.map((v) => {
      let vid = this.ids.get(v);
      if (vid === undefined) {
        vid = this.next++;
        this.ids.set(v, vid);
        fresh.push([v, vid]);
      }
      return vid;
    });
    return { vids, fresh };
  }

  /** Undoes `assign` after the transaction that would have stored them rolled back. */
  forget(fresh: Array<[string, number]>): void {
    for (const [v] of fresh) this.ids.delete(v);
  }

  /** Drops visitors whose events were all pruned (their ids are not reused). */
  remove(visitorIds: string[]): void {
    for (const v of visitorIds) this.ids.delete(v);
  }

  get size(): number {
    return this.ids.size;
  }
}
