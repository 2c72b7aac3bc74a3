// The operator's console: sign-in with a token, then the picture, worklists, records and the
// audit trail, each a view behind a hash route (#/picture, #/worklists, #/records[/{id}], #/audit).
import 'leaflet/dist/leaflet.css';
import './style.css';
import { api, ApiError, currentToken, onUnauthenticated, setToken, type Me } from './api';
import { errorBox, fill, h, loading, zoneName } from './ui';
import { auditView } from './views/audit';
import { pictureView } from './views/picture';
import { recordView } from './views/record';
import { recordsView } from './views/records';
import { worklistsView } from './views/worklists';

const app = document.getElementById('app')!;
let dispose: (() => void) | null = null;
let me: Me | null = null;

function navigate(hash: string) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function signIn(message?: string) {
  dispose?.();
  dispose = null;
  me = null;
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true,
    spellcheck: false, 'aria-describedby': 'token-help' }) as HTMLInputElement;
  const err = h('p', { class: 'state error', role: 'alert', hidden: !message }, message ?? '');
  const button = h('button', { type: 'submit' }, 'Sign in') as HTMLButtonElement;
  const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, 'ISSA console'),
    h('p', { class: 'muted' }, 'Internal-security information sharing: situational picture, worklists, records and audit.'),
    h('label', { for: 'token' }, 'Access token'), input,
    h('p', { id: 'token-help', class: 'muted small' }, 'The bearer token your administrator issued (`issa token create`). It is kept for this browser tab only.'),
    button, err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    setToken(input.value.trim());
    try {
      me = await api<Me>('/api/v1/me');
      if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/picture';
      route();
    } catch (e) {
      setToken('');
      err.hidden = false;
      err.textContent = e instanceof ApiError && e.status === 401
        ? 'This token is not valid (unknown, expired or revoked).'
        : e instanceof ApiError ? e.describe() : (e as Error).message;
      button.disabled = false;
      input.focus();
    }
  });
  fill(app, h('main', { class: 'signin-page' }, form));
  input.focus();
}

const tabs: [string, string][] = [
  ['#/picture', 'Picture'],
  ['#/worklists', 'Worklists'],
  ['#/records', 'Records'],
  ['#/audit', 'Audit'],
];

function shell(active: string): HTMLElement {
  const main = h('main', { id: 'main', tabindex: -1 });
  fill(app,
    h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); main.focus(); } },
      'Skip to content'),
    h('header', { class: 'top' },
      h('span', { class: 'brand' }, 'ISSA'),
      h('nav', { 'aria-label': 'Sections' }, tabs.map(([href, label]) =>
        h('a', { href, 'aria-current': active === href ? 'page' : undefined }, label))),
      h('div', { class: 'who', id: 'who', title: `Times are shown in ${zoneName()}; hover a time for UTC.` },
        h('span', { class: 'authority' }, me!.authority), ' · ',
        h('span', { class: 'role' }, me!.role), ' · ',
        h('span', { class: 'clearance' }, me!.clearance),
        h('button', { type: 'button', class: 'link', onclick: () => {
          setToken('');
          history.replaceState(null, '', location.pathname);
          signIn();
        } }, 'Sign out'))),
    main);
  return main;
}

function route() {
  if (!me) return;
  dispose?.();
  dispose = null;
  const [path, queryText] = (location.hash.slice(1) || '/picture').split('?');
  const query = new URLSearchParams(queryText ?? '');
  const parts = path.split('/').filter(Boolean);
  const section = `#/${parts[0] ?? 'picture'}`;
  const main = shell(section);
  document.body.dataset.view = parts[0] ?? 'picture';
  switch (parts[0]) {
    case 'worklists':
      dispose = worklistsView(main, me);
      break;
    case 'records':
      dispose = parts[1] ? recordView(main, parts[1]) : recordsView(main, query, navigate);
      break;
    case 'audit':
      dispose = auditView(main, query, navigate);
      break;
    case 'picture':
    case undefined:
      dispose = pictureView(main, query, navigate);
      break;
    default:
      fill(main, h('div', { class: 'page' }, errorBox(new ApiError(404, 'NotFound', `no page ${path}`))));
  }
}

onUnauthenticated(() => {
  if (me) signIn('Your sign-in is no longer valid; sign in again.');
});
window.addEventListener('hashchange', route);

async function start() {
  if (!currentToken()) return signIn();
  fill(app, loading('Signing in…'));
  try {
    me = await api<Me>('/api/v1/me');
    route();
  } catch (e) {
    setToken('');
    signIn(e instanceof ApiError && e.status !== 401 ? e.describe() : undefined);
  }
}
void start();
