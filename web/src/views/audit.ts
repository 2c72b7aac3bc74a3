// The audit trail for the data-protection officer (GET /api/v1/audit): filters by user,
// authority, action and time, paging with `after`, and a check of the hash links between the
// consecutive entries shown (the full chain and its signed head: `issa audit verify`).
import { api, withQuery } from '../api';
import { checkLinks, type AuditEntry } from '../chain';
import { chip, empty, errorBox, fill, h, loading, table, time } from '../ui';

export function auditView(root: HTMLElement, query: URLSearchParams,
  navigate: (hash: string) => void): () => void {
  const fields = ['user', 'authority', 'action', 'since', 'until'] as const;
  const inputs = Object.fromEntries(fields.map((f) => [f, h('input', {
    id: `a-${f}`, name: f, type: f === 'since' || f === 'until' ? 'date' : 'text',
    value: query.get(f) ?? '',
    placeholder: f === 'action' ? 'e.g. record. or hit.access_request' : '' }) as HTMLInputElement]));
  const form = h('form', { class: 'filters', role: 'search' },
    fields.map((f) => h('label', {}, `${f[0].toUpperCase()}${f.slice(1)} `, inputs[f])),
    h('button', { type: 'submit' }, 'Filter'));
  const chain = h('p', { class: 'chain', role: 'status' });
  const results = h('div', { id: 'audit-results' }, loading());
  fill(root, h('div', { class: 'page' }, h('h1', {}, 'Audit trail'), form, chain, results));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const f of fields) if (inputs[f].value.trim()) p.set(f, inputs[f].value.trim());
    navigate(`#/audit${p.toString() ? `?${p}` : ''}`);
  });

  const abort = new AbortController();
  const entries: AuditEntry[] = [];
  async function load(after?: number) {
    try {
      const params: Record<string, string | number | undefined> = { limit: 200, after };
      for (const f of fields) params[f] = query.get(f) ?? undefined;
      const page = await api<{ entries: AuditEntry[]; next_after: number | null }>(
        withQuery('/api/v1/audit', params), { signal: abort.signal });
      entries.push(...page.entries);
      const links = checkLinks(entries);
      chain.dataset.state = links.brokenAt !== null ? 'broken' : links.checked ? 'ok' : 'unchecked';
      chain.textContent = links.brokenAt !== null
        ? `Hash chain BROKEN at entry ${links.brokenAt}: its previous-hash link does not match.`
        : links.checked
          ? `Hash chain: ${links.checked} links between the consecutive entries shown checked, ` +
            'consistent. The whole chain and its signed head are checked by `issa audit verify`.'
          : 'Hash chain: no consecutive entries shown to check (filters leave gaps); clear the ' +
            'filters to check the links, or run `issa audit verify` for the whole chain.';
      if (entries.length === 0) return fill(results, empty('No audit entries match.'));
      fill(results,
        table('Audit entries', ['#', 'At', 'User', 'Authority', 'Action', 'Target', 'Outcome', 'Detail'],
          [...entries].reverse().map((e) => [String(e.seq), time(e.at),
            h('span', { title: e.user }, e.user.length > 14 ? `${e.user.slice(0, 12)}…` : e.user),
            e.authority, h('code', {}, e.action),
            [e.target, e.target_owner ? h('span', { class: 'muted' }, ` (${e.target_owner})`) : ''],
            chip(e.outcome), e.detail])),
        page.next_after !== null
          ? h('button', { type: 'button', onclick: () => load(page.next_after!) }, 'Load more')
          : null);
    } catch (e) {
      if (!abort.signal.aborted) {
        chain.textContent = '';
        fill(results, errorBox(e));
      }
    }
  }
  void load();
  return () => abort.abort();
}
