// Unit tests of the console's pure parts under Node: the event-stream parser (chunk boundaries,
// CRLF, comments, multi-line data, retry), the antimeridian unwrapping of basemap rings, and the
// audit hash-link check. The TypeScript sources are bundled with esbuild first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const out = await build({
  stdin: {
    contents: `export { SseParser } from './sse'; export { unwrapRing } from './geo';
      export { checkLinks } from './chain';`,
    resolveDir: src,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
});
const { SseParser, unwrapRing, checkLinks } =
  await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

function parse(chunks) {
  const events = [];
  const p = new SseParser((kind, data) => events.push([kind, data]));
  for (const c of chunks) p.push(c);
  return { events, retry: p.retryMs };
}

test('the stream parser splits events, skips comments and reads retry', () => {
  const { events, retry } = parse(['retry: 5000\n: connected\n\nevent: record\nid: 1\ndata: {"a":1}\n\n',
    ': heartbeat\n\n', 'event: tracks\ndata: {"tracks":[]}\n\n']);
  assert.deepEqual(events, [['record', '{"a":1}'], ['tracks', '{"tracks":[]}']]);
  assert.equal(retry, 5000);
});

test('the stream parser joins events cut anywhere, with CRLF or LF', () => {
  const text = 'event: hit\r\ndata: {"id":"x"}\r\n\r\nevent: record\ndata: {"b":2}\n\n';
  for (let cut = 1; cut < text.length; cut++) {
    const { events } = parse([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(events, [['hit', '{"id":"x"}'], ['record', '{"b":2}']], `cut at ${cut}`);
  }
});

test('the stream parser joins data lines, defaults the kind, and waits for the blank line', () => {
  assert.deepEqual(parse(['data: a\ndata: b\n\n']).events, [['message', 'a\nb']]);
  assert.deepEqual(parse(['event: record\ndata: {"x":1}\n']).events, []);
  assert.deepEqual(parse(['event: alert\n\n']).events, []);  // no data: no event
});

test('rings across the antimeridian are unwrapped and kept mostly in [-180, 180]', () => {
  // An island from 178 E to 178 W: the western points come back as 182.
  const ring = [[178, 60], [-178, 60], [-178, 62], [178, 62], [178, 60]];
  assert.deepEqual(unwrapRing(ring), [[178, 60], [182, 60], [182, 62], [178, 62], [178, 60]]);
  // Mostly in the west (starting there): shifted back so most of it stays in [-180, 180].
  const west = [[-170, 65], [-175, 65], [179, 66], [-175, 67], [-170, 67], [-170, 65]];
  const w = unwrapRing(west);
  assert.deepEqual(w, [[-170, 65], [-175, 65], [-181, 66], [-175, 67], [-170, 67], [-170, 65]]);
  // A ring that does not cross is unchanged; one around the pole is kept as it is.
  const plain = [[0, 0], [10, 0], [10, 10], [0, 0]];
  assert.equal(unwrapRing(plain), plain);
  const pole = [[-180, -90], [-180, -80], [0, -75], [180, -80], [180, -90], [-180, -90]];
  assert.equal(unwrapRing(pole), pole);
});

test('the audit link check finds a broken previous-hash link between consecutive entries', () => {
  const e = (seq, prev, hash) => ({ seq, prev_hash: prev, hash });
  assert.deepEqual(checkLinks([e(3, 'b', 'c'), e(1, '0', 'a'), e(2, 'a', 'b')]),
    { checked: 2, brokenAt: null });
  assert.deepEqual(checkLinks([e(1, '0', 'a'), e(2, 'x', 'b'), e(3, 'b', 'c')]),
    { checked: 1, brokenAt: 2 });
  // Entries with gaps (a filtered view) have no link to check.
  assert.deepEqual(checkLinks([e(1, '0', 'a'), e(5, 'd', 'e')]), { checked: 0, brokenAt: null });
});
