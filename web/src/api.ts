// The node's HTTP JSON API (docs/api.md), called with the signed-in user's bearer token. The
// console shows only what these calls return: it never filters or widens what a user may see.

const kTokenKey = 'issa.token';

export interface Me {
  user: string;
  authority: string;
  role: string;
  clearance: string;
  purposes: string[];
}

export interface Handling {
  classification: string;
  distribution: string;
  authorities?: string[];
  group?: string;
  purposes: string[];
}

export interface RecordJson {
  id: string;
  type: string;
  owner: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by?: string;
  properties: Record<string, unknown>;
  geometry: GeoJSON.Geometry | null;
  links?: { rel: string; target: string }[];
  handling: Handling;
  valid_from?: string | null;
  valid_to?: string | null;
}

/** An error answer of the API: `{"error":{"code","message","field","request_id"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** A sentence for the user. */
  describe(): string {
    const what: Record<number, string> = {
      0: 'The node cannot be reached',
      401: 'Your sign-in is no longer valid',
      403: 'Not available to you',
      404: 'Not found, or not visible to you',
      409: 'Conflict',
      429: 'Too many requests',
      503: 'The node is busy; try again',
    };
    const head = what[this.status] ?? `Error ${this.status}`;
    const field = this.field ? ` (${this.field})` : '';
    return `${head}: ${this.message}${field}`;
  }
}

let token = (typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(kTokenKey)) ?? '';
const unauthenticatedListeners: (() => void)[] = [];

export function currentToken(): string {
  return token;
}

export function setToken(t: string): void {
  token = t;
  if (t) sessionStorage.setItem(kTokenKey, t);
  else sessionStorage.removeItem(kTokenKey);
}

export function onUnauthenticated(f: () => void): void {
  unauthenticatedListeners.push(f);
}

export function authHeaders(): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'Error';
  let message = res.statusText || 'request failed';
  let field: string | undefined;
  let requestId: string | undefined = res.headers.get('X-Request-Id') ?? undefined;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      field = body.error.field;
      requestId = body.error.request_id ?? requestId;
    }
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message, field, requestId);
}

/** Calls the API; resolves with the parsed JSON body, rejects with an ApiError. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; contentType?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders(), Accept: 'application/json' };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['Content-Type'] = init.contentType ?? 'application/json';
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: init.method ?? 'GET', headers, body, signal: init.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Unavailable', (e as Error).message);
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401) unauthenticatedListeners.forEach((f) => f());
    throw err;
  }
  return (await res.json()) as T;
}

/** Builds `path?k=v&…`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A record's title for lists: its name, title, or type and short id. */
export function recordTitle(r: Pick<RecordJson, 'type' | 'id' | 'properties'>): string {
  const p = r.properties ?? {};
  for (const k of ['title', 'name', 'holder_name', 'iban', 'category']) {
    if (typeof p[k] === 'string' && p[k]) return p[k] as string;
  }
  return `${r.type} ${r.id.slice(0, 8)}`;
}
