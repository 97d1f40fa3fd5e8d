/** A dimension member a late sale already refers to, and the change index at which it is to be created. */
export interface LateMember {
  member: 'customer' | 'product';
  id: number;
  due: number;
}

/**
 * The members late sales refer to before they exist. Each is created at its due change (or later, when
 * several fall due together: one per change, earliest due first, then in reservation order), and whatever
 * is still pending when the run ends is created then, so the final state has every member.
 */
export class LateMembers {
  private readonly pending: LateMember[] = [];

  get size(): number {
    return this.pending.length;
  }

  add(m: LateMember): void {
    this.pending.push(m);
  }

  /** The member to create at change `index`, if one is due. */
  takeDue(index: number): LateMember | undefined {
    let best = -1;
    this.pending.forEach((m, i) => {
      if (m.due <= index && (best < 0 || m.due < this.pending[best]!.due)) best = i;
    });
    return best < 0 ? undefined : this.pending.splice(best, 1)[0];
  }

  /** Every pending member, earliest due first (ties in reservation order), and none left. */
  takeAll(): LateMember[] {
    const all = this.pending.splice(0).map((m, i) => ({ m, i }));
    return all.sort((a, b) => a.m.due - b.m.due || a.i - b.i).map(({ m }) => m);
  }
}
