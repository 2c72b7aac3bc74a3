// Small DOM helpers: elements, dates in the user's time zone (UTC on hover), and the loading,
// empty and error states every view uses.
import { ApiError } from './api';

export type Child = Node | string | number | null | undefined | false | Child[];

function flat(children: Child[]): (Node | string | number)[] {
  const out: (Node | string | number)[] = [];
  for (const c of children) {
    if (Array.isArray(c)) out.push(...flat(c));
    else if (c !== null && c !== undefined && c !== false) out.push(c);
  }
  return out;
}
type Attrs = Record<string, string | number | boolean | EventListener | undefined | null>;

/** Creates an element: attributes (on* are listeners; false/null/undefined are left out). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  for (const c of flat(children)) el.append(c instanceof Node ? c : String(c));
  return el;
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A <time> in the user's time zone, with the UTC time in its title. */
export function time(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return h('time', { datetime: iso, title: `UTC ${d.toISOString().replace('.000Z', 'Z')}` },
    localFormat.format(d));
}

export function zoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

export function loading(what = 'Loading…'): HTMLElement {
  return h('p', { class: 'state loading', role: 'status', 'aria-live': 'polite' }, what);
}

export function empty(what: string): HTMLElement {
  return h('p', { class: 'state empty' }, what);
}

export function errorBox(e: unknown): HTMLElement {
  const text = e instanceof ApiError ? e.describe() : `Unexpected error: ${(e as Error).message}`;
  const box = h('p', { class: 'state error', role: 'alert' }, text);
  if (e instanceof ApiError && e.requestId) box.title = `request ${e.requestId}`;
  return box;
}

/** A chip for a classification or status. */
export function chip(text: string, kind = ''): HTMLElement {
  return h('span', { class: `chip ${kind} chip-${text.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` },
    text);
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...flat(children).map((c) => (c instanceof Node ? c : String(c))));
}

export function recordLink(id: string, text?: string): HTMLElement {
  return h('a', { href: `#/records/${id}`, class: 'record-link' }, text ?? id.slice(0, 8));
}

/** A table with a header row; rows are arrays of cells. */
export function table(caption: string, head: string[], rows: Child[][]): HTMLElement {
  return h('table', { class: 'grid' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}
