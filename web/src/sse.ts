// Reads the node's server-sent events (GET /api/v1/stream) with fetch() and a ReadableStream
// parser: EventSource cannot send the Authorization header the API needs.
import { ApiError, authHeaders } from './api';

export interface StreamHandlers {
  onEvent(kind: string, data: unknown): void;
  onState(state: 'connecting' | 'open' | 'closed' | 'error', detail?: string): void;
}

/** Splits a text/event-stream into events; feed it chunks of text. */
export class SseParser {
  private buffer = '';
  private kind = '';
  private data: string[] = [];
  retryMs = 3000;

  constructor(private readonly emit: (kind: string, data: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      // A CR at the end of a chunk may be the first half of a CRLF cut in two: wait for more.
      if (nl === this.buffer.length - 1 && this.buffer[nl] === '\r') break;
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + sep);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.emit(this.kind || 'message', this.data.join('\n'));
      this.kind = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;  // comment: connected, heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.kind = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

/**
 * Holds a stream open until `signal` aborts, reconnecting after the server's retry delay.
 * 403 and 404 are final (not allowed, or no such feed): reported once, no retry.
 */
export async function runStream(path: string, handlers: StreamHandlers, signal: AbortSignal) {
  let retryMs = 3000;
  while (!signal.aborted) {
    handlers.onState('connecting');
    try {
      const res = await fetch(path, {
        headers: { ...authHeaders(), Accept: 'text/event-stream' },
        signal,
        cache: 'no-store',
      });
      if (!res.ok || !res.body) {
        let message = res.statusText;
        try {
          message = (await res.json()).error.message;
        } catch {
          // keep the status text
        }
        const err = new ApiError(res.status, 'Error', message);
        if (res.status === 403 || res.status === 404 || res.status === 401) {
          handlers.onState('error', err.describe());
          return;
        }
        throw err;
      }
      handlers.onState('open');
      const parser = new SseParser((kind, data) => {
        try {
          handlers.onEvent(kind, JSON.parse(data));
        } catch {
          // a malformed event is skipped
        }
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      retryMs = parser.retryMs;
      handlers.onState('closed');
    } catch (e) {
      if (signal.aborted) return;
      handlers.onState('error', e instanceof ApiError ? e.describe() : (e as Error).message);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}
