// The audit trail's hash links as the console checks them (no DOM: unit-tested under Node).

export interface AuditEntry {
  seq: number;
  at: string;
  user: string;
  authority: string;
  action: string;
  target: string;
  target_owner: string;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** Checks prev_hash against the hash of the entry before, wherever two shown entries are adjacent. */
export function checkLinks(entries: AuditEntry[]): { checked: number; brokenAt: number | null } {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  let checked = 0;
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const before = bySeq.get(e.seq - 1);
    if (!before) continue;
    checked++;
    if (e.prev_hash !== before.hash) return { checked, brokenAt: e.seq };
  }
  return { checked, brokenAt: null };
}
