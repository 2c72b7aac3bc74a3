// EUROSUR helpers shared by the border-section and hot-spot layers and the impact-level worklist
// (docs/api.md, /api/v1/eurosur). Which picture a user reads: the Agency (an `eu-agency`
// authority) the European picture, everyone else their national picture.
import { api, currentToken, withQuery, type Me } from './api';

export type ImpactLevel = 'low' | 'medium' | 'high' | 'critical';

export const kLevelColors: Record<string, string> = {
  low: '#2f9e44',
  medium: '#fab005',
  high: '#f76707',
  critical: '#e03131',
};

export interface Authority {
  id: string;
  country: string;
  kinds: string[];
  name: string;
}

let cached: { token: string; value: Promise<{ me: Me; agency: boolean }> } | null = null;

/** The signed-in user and whether their authority is the Agency (cached per token). */
export function eurosurUser(): Promise<{ me: Me; agency: boolean }> {
  const token = currentToken();
  if (!cached || cached.token !== token) {
    const value = (async () => {
      const me = await api<Me>('/api/v1/me');
      let agency = false;
      try {
        const { authorities } = await api<{ authorities: Authority[] }>('/api/v1/authorities');
        const mine = authorities.find((a) => a.id === me.authority);
        agency = !!mine && mine.kinds.includes('eu-agency') && mine.kinds.includes('border');
      } catch {
        agency = false;
      }
      return { me, agency };
    })();
    value.catch(() => { if (cached?.value === value) cached = null; });
    cached = { token, value };
  }
  return cached.value;
}

export interface AnalysisFeature {
  type: 'Feature';
  id?: string;
  geometry: GeoJSON.Geometry | null;
  properties: Record<string, unknown> & { kind?: string };
}

/** GET /api/v1/eurosur/pictures/{european|national}/layers/analysis?bbox=… */
export async function analysisFeatures(bbox: string, signal: AbortSignal): Promise<AnalysisFeature[]> {
  const { agency } = await eurosurUser();
  const picture = agency ? 'european' : 'national';
  const answer = await api<{ features: AnalysisFeature[] }>(
    withQuery(`/api/v1/eurosur/pictures/${picture}/layers/analysis`, { bbox }), { signal });
  return answer.features ?? [];
}

export interface Proposal {
  id: string;
  level: string;
  proposed_by: string;
  by_agency: boolean;
  proposed_at: number;
  reason: string;
  critical_until: number | null;
  decide_by: number;
  status: string;
  agreed_by: string;
  agreed_at: number | null;
}

export interface ImpactHistoryEntry {
  step: string;
  at: number;
  actor: string;
  proposal_id: string;
  from: string;
  to: string;
  reason: string;
}

export interface SectionImpact {
  section_id: string;
  record: string;
  seq: number;
  state: {
    level: string;
    level_since: number;
    critical_until: number | null;
    proposal: Proposal | null;
    closed_proposals: Proposal[];
    history: ImpactHistoryEntry[];
  };
  unrecorded_changes: boolean;
}

export interface Section {
  section_id: string;
  member_state: string;
  kind: string;
  name: string;
  ncc_authority: string;
  record: string;
  level: string | null;
  level_since: string | null;
  critical_until: string | null;
  open_proposal: string | null;
}

/** Milliseconds since the epoch (times inside EUROSUR states) as RFC 3339. */
export function msToIso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return null;
  return new Date(ms).toISOString();
}
