// The common situational picture: an offline basemap (Natural Earth land from world-atlas), the
// layers of layers/index.ts with toggles, a time window over the last 24 h, bbox-driven loading
// and live updates from the node's event stream.
import * as L from 'leaflet';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import landUrl from 'world-atlas/land-50m.json?url';
import { ApiError, withQuery } from '../api';
import { layerFactories } from '../layers';
import type { LayerHost, MapLayer, View } from '../layers/types';
import { bboxParam } from '../layers/types';
import { unwrapRing } from '../geo';
import { runStream } from '../sse';
import { fill, h } from '../ui';

let landCache: Promise<GeoJSON.GeoJsonObject> | null = null;

function land(): Promise<GeoJSON.GeoJsonObject> {
  landCache ??= fetch(landUrl)
    .then((r) => r.json())
    .then((topo: Topology) => {
      const geo = feature(topo, topo.objects.land) as unknown as GeoJSON.FeatureCollection;
      for (const f of geo.features) {
        const g = f.geometry;
        if (g.type === 'Polygon') g.coordinates = g.coordinates.map(unwrapRing);
        if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map((p) => p.map(unwrapRing));
      }
      return geo;
    });
  return landCache;
}

interface LayerState {
  layer: MapLayer;
  on: boolean;
  available: boolean;
  status: HTMLElement;
  abort: AbortController | null;
}

/**
 * `query` may hold `bbox=west,south,east,north` to open on a box (links from records, shared
 * views); otherwise the picture opens on the world and then on the live tracks.
 */
export function pictureView(root: HTMLElement, query: URLSearchParams,
  navigate: (hash: string) => void): () => void {
  const mapEl = h('div', { id: 'map', class: 'map', role: 'application',
    'aria-label': 'Situational picture map' });
  const layerList = h('ul', { class: 'layer-list' });
  const hoursLabel = h('output', { id: 'hours-label', for: 'hours' }, 'last 24 h');
  const slider = h('input', { id: 'hours', type: 'range', min: 1, max: 24, step: 1, value: 24,
    'aria-label': 'Time window in hours' }) as HTMLInputElement;
  const streamState = h('span', { class: 'stream-state', 'data-state': 'connecting' }, 'connecting…');
  const details = h('section', { class: 'details', 'aria-live': 'polite', hidden: true });
  const inView = h('ul', { class: 'in-view' });
  const inViewCount = h('span', { class: 'muted' });

  fill(root,
    h('div', { class: 'picture' },
      mapEl,
      h('aside', { class: 'side', 'aria-label': 'Picture controls' },
        h('section', {}, h('h2', {}, 'Layers'), layerList),
        h('section', {}, h('h2', {}, h('label', { for: 'hours' }, 'Time window')), slider, ' ', hoursLabel),
        h('section', {}, h('h2', {}, 'Live updates'), streamState),
        details,
        h('section', {}, h('h2', {}, 'In view ', inViewCount), inView))));

  const map = L.map(mapEl, { preferCanvas: true, minZoom: 2, maxZoom: 16, worldCopyJump: false,
    zoomSnap: 0.5, maxBounds: [[-89, -540], [89, 540]] });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Land: Natural Earth (world-atlas)');
  const asked = (query.get('bbox') ?? '').split(',').map(Number);
  let fitted = false;
  if (asked.length === 4 && asked.every(Number.isFinite)) {
    map.fitBounds([[asked[1], asked[0]], [asked[3], asked[2]]], { animate: false });
    fitted = true;
  } else {
    map.fitWorld();
  }
  // A handle for scripted checks (the end-to-end test clicks features at their map position).
  (window as unknown as { issaPicture?: L.Map }).issaPicture = map;
  land().then((geo) => {
    // In the tile pane, on a canvas of its own, so that layers may go to the back of the
    // overlay canvas (border sections under the markers) and still above the land.
    L.geoJSON(geo, { interactive: false, pane: 'tilePane',
      // No outline: rings cut at the antimeridian would draw as lines across the map.
      style: { stroke: false, fillColor: '#e9e4d0', fillOpacity: 1 } })
      .addTo(map).bringToBack();
    mapEl.dataset.basemap = 'ready';
  }).catch(() => {
    mapEl.dataset.basemap = 'failed';
  });

  const states: LayerState[] = [];
  let streamAbort: AbortController | null = null;
  let streamKey = '';
  let disposed = false;
  let reloadTimer = 0;
  let listTimer = 0;
  const pendingReload = new Set<MapLayer>();

  const host: LayerHost = {
    map,
    openRecord: (id) => navigate(`#/records/${id}`),
    showDetails: (title, body) => {
      details.hidden = false;
      fill(details, h('h2', {}, title), body,
        h('button', { type: 'button', class: 'link', onclick: () => { details.hidden = true; } },
          'Close'));
    },
    requestReload: (layer) => {
      pendingReload.add(layer);
      if (!reloadTimer) {
        reloadTimer = window.setTimeout(() => {
          reloadTimer = 0;
          const todo = [...pendingReload];
          pendingReload.clear();
          for (const s of states) if (todo.includes(s.layer) && s.on) void loadLayer(s);
        }, 5000);
      }
    },
  };

  function view(): View {
    const b = map.getBounds();
    const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    const hours = Number(slider.value);
    return {
      bbox: [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)],
      since: new Date(Date.now() - hours * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      zoom: map.getZoom(),
    };
  }

  function setStatus(s: LayerState, text: string, kind: string) {
    s.status.textContent = text;
    s.status.dataset.kind = kind;
  }

  async function loadLayer(s: LayerState): Promise<void> {
    s.abort?.abort();
    const abort = new AbortController();
    s.abort = abort;
    setStatus(s, 'loading…', 'loading');
    try {
      const v = view();
      const r = await s.layer.load(v, abort.signal);
      if (abort.signal.aborted || disposed) return;
      s.available = true;
      setStatus(s, `${r.count} in view${r.note ? ` · ${r.note}` : ''}`, r.count ? 'ok' : 'empty');
      s.status.dataset.loadedMs = String(Math.round(performance.now()));
      if (s.layer.wantsTracks && !fitted) fitted = fitToTracks(s.layer);
    } catch (e) {
      if (abort.signal.aborted || disposed) return;
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
        s.available = false;
        s.layer.hide();
        setStatus(s, e.status === 403 ? 'not available to you' : 'not available on this node',
          'unavailable');
        s.status.title = e.message;
      } else {
        setStatus(s, e instanceof ApiError ? e.describe() : 'failed to load', 'error');
      }
    }
    scheduleList();
  }

  function fitToTracks(layer: MapLayer): boolean {
    const items = layer.items();
    if (items.length === 0) return false;
    const b = L.latLngBounds(items.map((i) => [i.lat, i.lon] as [number, number]));
    if (!b.isValid()) return false;
    map.fitBounds(b.pad(0.1), { maxZoom: 9, animate: false });
    return true;
  }

  function loadAll() {
    const loads = states.filter((s) => s.on).map((s) => loadLayer(s));
    void Promise.all(loads).then(() => restartStream());
  }

  function restartStream() {
    if (disposed) return;
    const tracks = states.some((s) => s.on && s.available && s.layer.wantsTracks);
    const path = tracks
      ? withQuery('/api/v1/stream', { tracks: 'true', bbox: bboxParam(view().bbox) })
      : '/api/v1/stream';
    if (path === streamKey && streamAbort) return;
    streamAbort?.abort();
    streamKey = path;
    streamAbort = new AbortController();
    void runStream(path, {
      onEvent: (kind, data) => {
        for (const s of states) if (s.on) s.layer.onStream?.(kind, data);
        streamState.dataset.last = new Date().toISOString();
        scheduleList();
      },
      onState: (state, detail) => {
        streamState.dataset.state = state;
        streamState.textContent = {
          connecting: 'connecting…',
          open: tracks ? 'live: records and vessel tracks' : 'live: records',
          closed: 'disconnected; reconnecting…',
          error: `unavailable${detail ? `: ${detail}` : ''}`,
        }[state];
      },
    }, streamAbort.signal);
  }

  function scheduleList() {
    if (listTimer) return;
    listTimer = window.setTimeout(() => {
      listTimer = 0;
      renderList();
    }, 400);
  }

  function renderList() {
    const b = map.getBounds();
    const rows: HTMLElement[] = [];
    let total = 0;
    for (const s of [...states].reverse()) {
      if (!s.on || !s.available) continue;
      for (const item of s.layer.items()) {
        if (!b.contains([item.lat, item.lon])) continue;
        total++;
        if (rows.length >= 60) continue;
        rows.push(h('li', {}, h('button', { type: 'button', class: 'link', 'data-layer': s.layer.id,
          onclick: () => item.open() }, item.label),
          item.detail ? h('span', { class: 'muted' }, ` ${item.detail}`) : null));
      }
    }
    inViewCount.textContent = total > rows.length ? `(${rows.length} of ${total})` : `(${total})`;
    fill(inView, rows.length ? rows : h('li', { class: 'muted' }, 'Nothing in view.'));
  }

  for (const factory of layerFactories) {
    const layer = factory(host);
    const status = h('span', { class: 'layer-status', 'data-kind': 'idle' });
    const s: LayerState = { layer, on: layer.defaultOn, available: true, status, abort: null };
    states.push(s);
    const box = h('input', { type: 'checkbox', id: `layer-${layer.id}`, checked: layer.defaultOn,
      onchange: () => {
        s.on = box.checked;
        if (s.on) {
          layer.show();
          void loadLayer(s).then(() => restartStream());
        } else {
          s.abort?.abort();
          layer.hide();
          setStatus(s, 'off', 'off');
          restartStream();
          scheduleList();
        }
      } }) as HTMLInputElement;
    layerList.append(h('li', { 'data-layer': layer.id },
      h('label', {}, box, h('span', { class: 'swatch', style: `background:${layer.color}` }), ' ',
        layer.label),
      status));
    if (s.on) layer.show();
  }

  let moveTimer = 0;
  map.on('moveend', () => {
    window.clearTimeout(moveTimer);
    moveTimer = window.setTimeout(loadAll, 300);
  });
  slider.addEventListener('input', () => {
    hoursLabel.textContent = `last ${slider.value} h`;
  });
  slider.addEventListener('change', loadAll);
  loadAll();

  return () => {
    disposed = true;
    streamAbort?.abort();
    for (const s of states) s.abort?.abort();
    window.clearTimeout(reloadTimer);
    window.clearTimeout(listTimer);
    window.clearTimeout(moveTimer);
    map.remove();
  };
}
