// Record search (type, owner, time, text) and the sharing groups and Joint Investigation Teams
// of the user's authority, with their validity.
import { api, recordTitle, withQuery, type RecordJson } from '../api';
import { chip, empty, errorBox, fill, h, loading, recordLink, table, time } from '../ui';

interface Group {
  id: string;
  name: string;
  kind: string;
  members: string[];
  owner: string;
  valid_from: string;
  valid_to: string | null;
}

function option(value: string, label = value): HTMLOptionElement {
  return h('option', { value }, label) as HTMLOptionElement;
}

export function recordsView(root: HTMLElement, query: URLSearchParams,
  navigate: (hash: string) => void): () => void {
  const type = h('select', { id: 'f-type', name: 'type' }, option('', 'any type')) as HTMLSelectElement;
  const owner = h('select', { id: 'f-owner', name: 'owner' }, option('', 'any owner')) as HTMLSelectElement;
  const q = h('input', { id: 'f-q', name: 'q', type: 'search', maxlength: 256,
    placeholder: 'words or prefixes' }) as HTMLInputElement;
  const since = h('input', { id: 'f-since', name: 'since', type: 'date' }) as HTMLInputElement;
  const until = h('input', { id: 'f-until', name: 'until', type: 'date' }) as HTMLInputElement;
  const results = h('div', { id: 'results' }, loading());
  const groupsEl = h('div', {}, loading());
  const form = h('form', { class: 'filters', role: 'search' },
    h('label', {}, 'Text ', q), h('label', {}, 'Type ', type), h('label', {}, 'Owner ', owner),
    h('label', {}, 'Updated from ', since), h('label', {}, 'until ', until),
    h('button', { type: 'submit' }, 'Search'));
  fill(root, h('div', { class: 'page' },
    h('h1', {}, 'Records'), form, results,
    h('section', { id: 'groups' }, h('h2', {}, 'Sharing groups and Joint Investigation Teams'), groupsEl)));

  for (const [k, el] of [['type', type], ['owner', owner], ['q', q], ['since', since],
    ['until', until]] as const) {
    const v = query.get(k);
    if (v) {
      if (el instanceof HTMLSelectElement) el.append(option(v));
      el.value = v;
    }
  }

  const abort = new AbortController();
  const signal = abort.signal;

  void api<{ types: string[] }>('/api/v1/types', { signal }).then(({ types }) => {
    for (const t of types) if (t !== type.value) type.append(option(t));
  }).catch(() => undefined);
  void api<{ authorities: { id: string; name: string }[] }>('/api/v1/authorities', { signal })
    .then(({ authorities }) => {
      for (const a of authorities) if (a.id !== owner.value) owner.append(option(a.id, `${a.id} — ${a.name}`));
    }).catch(() => undefined);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of [['type', type.value], ['owner', owner.value], ['q', q.value.trim()],
      ['since', since.value], ['until', until.value]]) if (v) p.set(k, v);
    navigate(`#/records${p.toString() ? `?${p}` : ''}`);
  });

  const rows: RecordJson[] = [];
  async function search(cursor?: string) {
    try {
      const page = await api<{ records: RecordJson[]; next_cursor: string | null }>(
        withQuery('/api/v1/records', { type: query.get('type') ?? undefined,
          owner: query.get('owner') ?? undefined, q: query.get('q') ?? undefined,
          since: query.get('since') ?? undefined, until: query.get('until') ?? undefined,
          limit: 100, cursor }), { signal });
      rows.push(...page.records);
      if (rows.length === 0) return fill(results, empty('No records match (or none are visible to you).'));
      fill(results,
        h('p', { class: 'muted', role: 'status' }, `${rows.length} record${rows.length === 1 ? '' : 's'}${page.next_cursor ? ' so far' : ''}`),
        table('Records', ['Record', 'Type', 'Owner', 'Classification', 'Updated'],
          rows.map((r) => [recordLink(r.id, recordTitle(r)), r.type, r.owner,
            chip(r.handling?.classification ?? '?'), time(r.updated_at)])),
        page.next_cursor ? h('button', { type: 'button', onclick: () => search(page.next_cursor!) },
          'Load more') : null);
    } catch (e) {
      if (!signal.aborted) fill(results, errorBox(e));
    }
  }
  void search();

  void api<{ groups: Group[] }>('/api/v1/groups', { signal }).then(({ groups }) => {
    if (groups.length === 0) return fill(groupsEl, empty('Your authority owns or belongs to no group.'));
    const now = Date.now();
    fill(groupsEl, table('Groups', ['Name', 'Kind', 'Owner', 'Members', 'Valid from', 'Valid to', 'State'],
      groups.map((g) => {
        const active = Date.parse(g.valid_from) <= now && (!g.valid_to || Date.parse(g.valid_to) > now);
        return [g.name, g.kind === 'jit' ? 'Joint Investigation Team' : 'sharing group', g.owner,
          g.members.join(', '), time(g.valid_from), g.valid_to ? time(g.valid_to) : 'open-ended',
          chip(active ? 'active' : 'not active')];
      })));
  }).catch((e) => {
    if (!signal.aborted) fill(groupsEl, errorBox(e));
  });

  return () => abort.abort();
}
