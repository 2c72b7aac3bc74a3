// One record as the user may see it (GET /api/v1/records/{id}), its versions
// (GET /api/v1/records/{id}/history) and its links.
import { api, recordTitle, type RecordJson } from '../api';
import { chip, errorBox, fill, h, loading, recordLink, table, time } from '../ui';

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
  return JSON.stringify(v);
}

function changes(prev: RecordJson | undefined, cur: RecordJson): string {
  if (!prev) return 'created';
  const keys = new Set([...Object.keys(prev.properties ?? {}), ...Object.keys(cur.properties ?? {})]);
  const changed = [...keys].filter((k) =>
    JSON.stringify(prev.properties?.[k]) !== JSON.stringify(cur.properties?.[k]));
  const out = changed.map((k) => `${k}: ${value(prev.properties?.[k])} → ${value(cur.properties?.[k])}`);
  if (JSON.stringify(prev.handling) !== JSON.stringify(cur.handling)) out.push('handling changed');
  if (JSON.stringify(prev.geometry) !== JSON.stringify(cur.geometry)) out.push('geometry changed');
  return out.join('; ') || 'no visible change';
}

/** A link to the picture on the record's geometry (its bbox, widened a little). */
function mapLink(r: RecordJson): HTMLElement | null {
  const b = (r as RecordJson & { bbox?: number[] | null }).bbox;
  if (!b || b.length !== 4) return null;
  const pad = 1;
  const box = [Math.max(-180, b[0] - pad), Math.max(-90, b[1] - pad), Math.min(180, b[2] + pad),
    Math.min(90, b[3] + pad)].map((v) => v.toFixed(3)).join(',');
  return h('a', { href: `#/picture?bbox=${box}` }, 'show on map');
}

export function recordView(root: HTMLElement, id: string): () => void {
  const abort = new AbortController();
  const signal = abort.signal;
  fill(root, h('div', { class: 'page' }, loading('Loading record…')));
  void (async () => {
    try {
      const r = await api<RecordJson>(`/api/v1/records/${encodeURIComponent(id)}`, { signal });
      const historyEl = h('div', {}, loading('Loading history…'));
      const hd = r.handling;
      fill(root, h('article', { class: 'page record', 'data-record': r.id },
        h('p', {}, h('a', { href: '#/records' }, '← Records')),
        h('h1', {}, recordTitle(r), ' ', chip(r.type, 'type')),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Id'), h('dd', {}, h('code', {}, r.id)),
          h('dt', {}, 'Owner'), h('dd', {}, r.owner),
          h('dt', {}, 'Classification'), h('dd', {}, chip(hd?.classification ?? '?')),
          h('dt', {}, 'Distribution'), h('dd', {}, [hd?.distribution ?? '?',
            hd?.authorities?.length ? `: ${hd.authorities.join(', ')}` : '',
            hd?.group ? ` (group ${hd.group})` : '']),
          h('dt', {}, 'Purposes'), h('dd', {}, (hd?.purposes ?? []).join(', ')),
          h('dt', {}, 'Version'), h('dd', {}, String(r.version)),
          h('dt', {}, 'Created'), h('dd', {}, time(r.created_at)),
          h('dt', {}, 'Updated'), h('dd', {}, time(r.updated_at)),
          r.geometry ? [h('dt', {}, 'Geometry'), h('dd', {}, r.geometry.type, ' ', mapLink(r))] : null),
        h('h2', {}, 'Properties'),
        h('dl', { class: 'facts props' },
          Object.entries(r.properties ?? {}).map(([k, v]) => [h('dt', {}, k), h('dd', {},
            typeof v === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(v) ? time(v) : value(v))])),
        h('h2', {}, 'Links'),
        r.links?.length
          ? h('ul', {}, r.links.map((l) => h('li', {}, `${l.rel} → `, recordLink(l.target))))
          : h('p', { class: 'muted' }, 'No links.'),
        h('h2', {}, 'History'), historyEl));
      try {
        const { versions } = await api<{ versions: RecordJson[] }>(
          `/api/v1/records/${encodeURIComponent(id)}/history`, { signal });
        fill(historyEl, table('Versions', ['Version', 'At', 'Change'],
          versions.map((v, i) => [String(v.version), time(v.updated_at), changes(versions[i - 1], v)])));
      } catch (e) {
        if (!signal.aborted) fill(historyEl, errorBox(e));
      }
    } catch (e) {
      if (!signal.aborted) fill(root, h('div', { class: 'page' }, h('h1', {}, 'Record'), errorBox(e)));
    }
  })();
  return () => abort.abort();
}
