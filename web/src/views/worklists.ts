// Worklists: cross-match hits (request access), access requests (grant or refuse with a
// reason), anomaly events awaiting acknowledgement (Event records with status "reported"), and
// EUROSUR impact-level proposals (the member state's NCC agrees or refuses, the Agency attributes
// or declines; the node's maritime rules decide who may, and its refusals are shown as they come),
// and screening matches awaiting human review (list or risk-rule hits of the PIU service: only a
// confirmed match may be passed on or used; a dismissal can be remembered as a suppression).
import { api, ApiError, recordTitle, withQuery, type Me, type RecordJson } from '../api';
import { eurosurUser, msToIso, type Section, type SectionImpact } from '../eurosur';
import { chip, empty, errorBox, fill, h, loading, recordLink, table, time } from '../ui';

interface AccessRequest {
  id: string;
  hit_id: string;
  owner: string;
  requester: string;
  requested_by: string;
  justification: string;
  status: string;
  decided_by: string | null;
  reason: string;
  created_at: string;
  decided_at: string | null;
  record_id: string | null;
  direction: 'incoming' | 'outgoing';
}

interface Hit {
  id: string;
  created_at: string;
  your_record: string;
  your_type: string;
  other_authority: string;
  other_type: string;
  other_record: string | null;
  score: number;
  message: string;
  access_request: AccessRequest | null;
}

interface ScreeningMatch {
  id: string;
  owner: string;
  subject: string;
  subject_type?: string;
  subject_name?: string;
  source: 'list' | 'rule';
  list: string;
  entry_id: string;
  entry_name?: string;
  score: number;
  features?: Record<string, unknown>[];
  status: 'pending' | 'confirmed' | 'dismissed';
  queued_at: string;
  reviewer?: string;
  reason?: string;
}

/** One feature of a match's explanation as a short phrase ("name 0.93 matched"). */
function featureText(f: Record<string, unknown>): string {
  const name = String(f.feature ?? f.name ?? f.kind ?? Object.keys(f)[0] ?? '');
  const parts = [name];
  for (const key of ['result', 'outcome', 'status', 'match']) {
    if (f[key] !== undefined && f[key] !== name) parts.push(String(f[key]));
  }
  if (typeof f.score === 'number') parts.push(f.score.toFixed(2));
  else if (typeof f.weight === 'number') parts.push(`weight ${f.weight.toFixed(2)}`);
  return parts.filter(Boolean).join(' ');
}

/** An inline form asking for a text (justification or reason), with its own error line. */
function askText(label: string, required: boolean, submit: string,
  act: (text: string) => Promise<void>): HTMLElement {
  const input = h('input', { type: 'text', 'aria-required': required ? 'true' : undefined, 'aria-label': label, placeholder: label,
    maxlength: 1000 }) as HTMLInputElement;
  const err = h('span', { class: 'inline-error', role: 'alert' });
  const button = h('button', { type: 'submit' }, submit) as HTMLButtonElement;
  const form = h('form', { class: 'inline-form' }, input, button, err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (required && !input.value.trim()) {
      err.textContent = `${label} is required`;
      input.focus();
      return;
    }
    button.disabled = true;
    err.textContent = '';
    try {
      await act(input.value.trim());
    } catch (e) {
      err.textContent = e instanceof ApiError ? e.describe() : (e as Error).message;
      button.disabled = false;
    }
  });
  return form;
}

export function worklistsView(root: HTMLElement, me: Me): () => void {
  const hitsEl = h('div', {}, loading());
  const requestsEl = h('div', {}, loading());
  const anomaliesEl = h('div', {}, loading());
  const proposalsEl = h('div', {}, loading());
  const screeningEl = h('div', {}, loading());
  fill(root, h('div', { class: 'page' },
    h('h1', {}, 'Worklists'),
    h('section', { id: 'hits', 'aria-labelledby': 'hits-h' }, h('h2', { id: 'hits-h' }, 'Cross-match hits'), hitsEl),
    h('section', { id: 'access-requests', 'aria-labelledby': 'ar-h' }, h('h2', { id: 'ar-h' }, 'Access requests'), requestsEl),
    h('section', { id: 'acknowledge', 'aria-labelledby': 'ack-h' },
      h('h2', { id: 'ack-h' }, 'Events awaiting acknowledgement'), anomaliesEl),
    h('section', { id: 'impact-proposals', 'aria-labelledby': 'ip-h' },
      h('h2', { id: 'ip-h' }, 'Impact-level proposals'), proposalsEl),
    h('section', { id: 'screening', 'aria-labelledby': 'sm-h' },
      h('h2', { id: 'sm-h' }, 'Screening matches awaiting review'), screeningEl)));

  const abort = new AbortController();
  const signal = abort.signal;

  async function loadHits() {
    try {
      const { hits } = await api<{ hits: Hit[] }>('/api/v1/hits', { signal });
      if (hits.length === 0) return fill(hitsEl, empty('No cross-match hits for your authority.'));
      fill(hitsEl, table('Cross-match hits', ['Found', 'Your record', 'Held by', 'Score', 'What', 'Access'],
        hits.map((hit) => [
          time(hit.created_at),
          [recordLink(hit.your_record), ` ${hit.your_type}`],
          [hit.other_authority, ' ', hit.other_record ? recordLink(hit.other_record, 'open') : `(${hit.other_type})`],
          hit.score.toFixed(2),
          hit.message,
          hit.other_record ? chip('shared') : hit.access_request
            ? chip(hit.access_request.status)
            : askText('Justification', true, 'Request access', async (text) => {
              await api(`/api/v1/hits/${hit.id}/access-requests`, { method: 'POST',
                body: { justification: text } });
              await Promise.all([loadHits(), loadRequests()]);
            }),
        ])));
    } catch (e) {
      if (!signal.aborted) fill(hitsEl, errorBox(e));
    }
  }

  async function loadRequests() {
    try {
      const { access_requests: list } = await api<{ access_requests: AccessRequest[] }>(
        '/api/v1/access-requests', { signal });
      if (list.length === 0) return fill(requestsEl, empty('No access requests made by or to your authority.'));
      fill(requestsEl, table('Access requests', ['Made', 'Direction', 'From → to', 'Justification', 'Status', 'Record', 'Decision'],
        list.map((r) => [
          time(r.created_at),
          r.direction,
          `${r.requester} → ${r.owner}`,
          r.justification,
          chip(r.status),
          r.record_id ? recordLink(r.record_id) : h('span', { class: 'muted', title: 'shown once granted' }, 'hidden'),
          r.direction === 'incoming' && r.status === 'pending'
            ? h('div', { class: 'decide' },
              askText('Reason (optional)', false, 'Grant', async (reason) => {
                await api(`/api/v1/access-requests/${r.id}/grant`, { method: 'POST',
                  body: reason ? { reason } : {} });
                await Promise.all([loadRequests(), loadHits()]);
              }),
              askText('Reason for refusal', true, 'Refuse', async (reason) => {
                await api(`/api/v1/access-requests/${r.id}/refuse`, { method: 'POST', body: { reason } });
                await loadRequests();
              }))
            : [r.decided_at ? time(r.decided_at) : '—', r.reason ? ` ${r.reason}` : ''],
        ])));
    } catch (e) {
      if (!signal.aborted) fill(requestsEl, errorBox(e));
    }
  }

  async function loadAnomalies() {
    try {
      const events: RecordJson[] = [];
      let cursor: string | null = null;
      do {
        const page: { records: RecordJson[]; next_cursor: string | null } = await api(
          withQuery('/api/v1/records', { type: 'Event', limit: 1000, cursor: cursor ?? undefined }), { signal });
        events.push(...page.records);
        cursor = page.next_cursor;
      } while (cursor && events.length < 5000);
      const waiting = events.filter((r) => r.properties.status === 'reported');
      if (waiting.length === 0) return fill(anomaliesEl, empty('No events await acknowledgement.'));
      fill(anomaliesEl, table('Events awaiting acknowledgement', ['Event', 'Category', 'Owner', 'Occurred', 'Impact', ''],
        waiting.reverse().map((r) => [
          recordLink(r.id, recordTitle(r)),
          String(r.properties.category ?? ''),
          r.owner,
          time((r.properties.occurred_at as string) ?? r.created_at),
          r.properties.impact_level ? chip(String(r.properties.impact_level)) : '—',
          r.owner === me.authority
            ? ackButton(r)
            : h('span', { class: 'muted' }, `acknowledged by ${r.owner}`),
        ])));
    } catch (e) {
      if (!signal.aborted) fill(anomaliesEl, errorBox(e));
    }
  }

  function ackButton(r: RecordJson): HTMLElement {
    const err = h('span', { class: 'inline-error', role: 'alert' });
    const b = h('button', { type: 'button', 'data-record': r.id, onclick: async () => {
      b.disabled = true;
      try {
        await api(`/api/v1/records/${r.id}`, { method: 'PATCH',
          contentType: 'application/merge-patch+json', body: { properties: { status: 'updated' } } });
        await loadAnomalies();
      } catch (e) {
        err.textContent = e instanceof ApiError ? e.describe() : (e as Error).message;
        b.disabled = false;
      }
    } }, 'Acknowledge') as HTMLButtonElement;
    return h('span', {}, b, err);
  }

  async function loadProposals() {
    try {
      const [{ agency }, { sections }] = await Promise.all([eurosurUser(),
        api<{ sections: Section[] }>('/api/v1/eurosur/sections', { signal })]);
      const open = sections.filter((s) => s.open_proposal);
      if (open.length === 0) return fill(proposalsEl, empty('No border section has an open impact-level proposal.'));
      const impacts = await Promise.all(open.map((s) =>
        api<SectionImpact>(`/api/v1/eurosur/sections/${encodeURIComponent(s.section_id)}/impact`, { signal })));
      fill(proposalsEl, open.map((s, i) => proposalCard(s, impacts[i], agency)));
    } catch (e) {
      if (!signal.aborted) fill(proposalsEl, errorBox(e));
    }
  }

  function proposalCard(s: Section, impact: SectionImpact, agency: boolean): HTMLElement {
    const st = impact.state;
    const p = st.proposal;
    const path = `/api/v1/eurosur/sections/${encodeURIComponent(s.section_id)}/impact`;
    const step = (action: string, required: boolean, label: string) =>
      askText(required ? `Reason to ${action}` : `Reason (optional)`, required, label, async (reason) => {
        await api(`${path}/${action}`, { method: 'POST',
          body: { proposal_id: p!.id, ...(reason ? { reason } : {}) } });
        await loadProposals();
      });
    const ncc = s.ncc_authority === me.authority;
    const actions = !p ? null
      : agency ? [step('attribute', false, 'Attribute'), step('decline', true, 'Decline')]
        : ncc ? [step('agree', false, 'Agree'), step('refuse', true, 'Refuse')]
          : null;
    return h('article', { class: 'proposal', 'data-section': s.section_id },
      h('h3', {}, `${s.name} `, h('span', { class: 'muted' }, `(${s.section_id}, ${s.member_state})`)),
      h('p', {}, 'Level ', h('span', { class: 'level' }, chip(st.level)), ' since ', time(msToIso(st.level_since)),
        st.critical_until ? [' until ', time(msToIso(st.critical_until))] : null),
      p ? h('p', { class: 'open-proposal' }, `Proposal ${p.id}: `, chip(p.level), ` by ${p.proposed_by}`,
        ` (${p.status})`, p.agreed_by ? `, agreed by ${p.agreed_by}` : '', ', decide by ',
        time(msToIso(p.decide_by)), p.reason ? ` — ${p.reason}` : '') : null,
      actions ? h('div', { class: 'actions' }, actions)
        : h('p', { class: 'muted' }, agency || ncc ? 'No step open to you.'
          : `For the Agency and ${s.ncc_authority || 'the NCC'}.`),
      st.history.length ? table(`History of ${s.section_id}`, ['When', 'Step', 'By', 'From → to', 'Reason'],
        st.history.slice().reverse().map((e) => [time(msToIso(e.at)), e.step, e.actor,
          `${e.from} → ${e.to}`, e.reason || '—'])) : empty('No history yet.'));
  }

  async function loadScreening() {
    try {
      const { matches } = await api<{ matches: ScreeningMatch[] }>(
        withQuery('/api/v1/piu/matches', { status: 'pending' }), { signal });
      if (matches.length === 0) return fill(screeningEl, empty('No screening match awaits review.'));
      fill(screeningEl, table('Screening matches awaiting review',
        ['Queued', 'Subject', 'Source', 'Matched entry', 'Score', 'Why', 'Review'],
        matches.map((m) => [
          time(m.queued_at),
          [recordLink(m.subject, m.subject_name || m.subject), m.subject_type ? ` ${m.subject_type}` : ''],
          m.source === 'rule' ? `rule ${m.list}` : m.list,
          [m.entry_name ?? '', ' ', h('span', { class: 'muted' }, `(${m.entry_id})`)],
          m.score.toFixed(2),
          (m.features ?? []).length
            ? h('ul', { class: 'features' }, (m.features ?? []).slice(0, 8).map((f) => h('li', {}, featureText(f))))
            : '—',
          m.owner === me.authority
            ? h('div', { class: 'decide', 'data-match': m.id },
              askText('Reason to confirm', true, 'Confirm', async (reason) => {
                await api(`/api/v1/piu/matches/${encodeURIComponent(m.id)}/confirm`, { method: 'POST', body: { reason } });
                await loadScreening();
              }),
              dismissForm(m))
            : h('span', { class: 'muted' }, `for ${m.owner}`),
        ])));
    } catch (e) {
      if (signal.aborted) return;
      // A node without the PIU service answers 404: nothing to review there.
      if (e instanceof ApiError && e.status === 404) return fill(screeningEl, empty('No screening service on this node.'));
      fill(screeningEl, errorBox(e));
    }
  }

  /** Dismiss with a reason; optionally remember the negative review so the same false match is not queued again. */
  function dismissForm(m: ScreeningMatch): HTMLElement {
    const remember = h('input', { type: 'checkbox', checked: true }) as HTMLInputElement;
    const form = askText('Reason to dismiss', true, 'Dismiss', async (reason) => {
      await api(`/api/v1/piu/matches/${encodeURIComponent(m.id)}/dismiss`, { method: 'POST',
        body: { reason, suppress: remember.checked } });
      await loadScreening();
    });
    form.insertBefore(h('label', { class: 'check' }, remember, ' remember'), form.querySelector('button'));
    return form;
  }

  void loadHits();
  void loadRequests();
  void loadScreening();
  void loadAnomalies();
  void loadProposals();
  return () => abort.abort();
}
