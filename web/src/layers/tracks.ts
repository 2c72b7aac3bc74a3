// Live vessel tracks (GET /api/v1/maritime/tracks): the node filters by box and time and, beyond
// `limit` tracks, answers grid clusters, so the browser never holds the whole picture. Tracks are
// drawn on one canvas as heading arrows; the stream's `tracks` notices move them; selecting a
// track loads its trail (GET /api/v1/maritime/tracks/{id}).
import * as L from 'leaflet';
import { api, withQuery } from '../api';
import { h, time } from '../ui';
import type { FeatureItem, LayerFactory, LayerHost, LoadResult, MapLayer, View } from './types';
import { bboxParam } from './types';

/** Tracks per request before the node clusters them. */
export const kTrackLimit = 3000;

interface Track {
  id: number;
  mmsi: number;
  lat: number;
  lon: number;
  speed_knots: number;
  course_deg: number;
  last_seen: string;
}

interface Cluster {
  lat: number;
  lon: number;
  count: number;
}

interface TracksAnswer {
  features: {
    id?: number;
    geometry: { coordinates: [number, number] };
    properties: { kind: 'track' | 'cluster'; count?: number } & Partial<Track>;
  }[];
  total: number;
  clustered: boolean;
}

interface TrackDetail {
  id: number;
  geometry: { type: 'LineString'; coordinates: [number, number][] }
    | { type: 'Point'; coordinates: [number, number] } | null;
  properties: Track & { reports?: number; identity_conflict?: boolean; times?: string[] };
}

/** One canvas over the map for all tracks and clusters (cheap to redraw on every move). */
class TrackCanvas extends L.Layer {
  tracks = new Map<number, Track>();
  clusters: Cluster[] = [];
  selected: number | null = null;
  onPainted: (() => void) | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private frame = 0;

  constructor(private readonly select: (id: number) => void) {
    super();
  }

  onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'track-canvas leaflet-zoom-hide') as HTMLCanvasElement;
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getPanes().overlayPane.appendChild(this.canvas);
    map.on('move zoomend resize viewreset', this.schedule, this);
    map.on('click', this.onClick, this);
    this.draw();
    return this;
  }

  onRemove(map: L.Map): this {
    map.off('move zoomend resize viewreset', this.schedule, this);
    map.off('click', this.onClick, this);
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    const map = this._map;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const ctx = canvas.getContext('2d')!;
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 1;
    for (const c of this.clusters) {
      const p = map.latLngToContainerPoint([c.lat, c.lon]);
      if (p.x < -40 || p.y < -40 || p.x > size.x + 40 || p.y > size.y + 40) continue;
      const r = 8 + Math.min(18, 3 * Math.log10(c.count + 1) * 2);
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(17, 110, 190, 0.75)';
      ctx.fill();
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.fillStyle = '#ffffff';
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(c.count >= 1000 ? `${Math.round(c.count / 100) / 10}k` : String(c.count), p.x, p.y);
    }
    for (const t of this.tracks.values()) {
      const p = map.latLngToContainerPoint([t.lat, t.lon]);
      if (p.x < -10 || p.y < -10 || p.x > size.x + 10 || p.y > size.y + 10) continue;
      const selected = t.id === this.selected;
      ctx.save();
      ctx.translate(p.x, p.y);
      ctx.rotate(((Number.isFinite(t.course_deg) ? t.course_deg : 0) * Math.PI) / 180);
      ctx.beginPath();
      const s = selected ? 9 : 6;
      ctx.moveTo(0, -s);
      ctx.lineTo(s * 0.6, s * 0.8);
      ctx.lineTo(0, s * 0.4);
      ctx.lineTo(-s * 0.6, s * 0.8);
      ctx.closePath();
      ctx.fillStyle = selected ? '#ffd43b' : t.speed_knots > 0.5 ? '#0b7285' : '#5c7cfa';
      ctx.fill();
      ctx.strokeStyle = '#0b1f2a';
      ctx.stroke();
      ctx.restore();
    }
    if (this.onPainted && (this.tracks.size > 0 || this.clusters.length > 0)) {
      const f = this.onPainted;
      this.onPainted = null;
      f();
    }
  }

  private onClick(e: L.LeafletMouseEvent): void {
    const map = this._map;
    let best: Track | null = null;
    let bestDistance = 12;
    for (const t of this.tracks.values()) {
      const d = map.latLngToContainerPoint([t.lat, t.lon]).distanceTo(e.containerPoint);
      if (d < bestDistance) {
        best = t;
        bestDistance = d;
      }
    }
    if (best) {
      this.select(best.id);
      return;
    }
    for (const c of this.clusters) {
      if (map.latLngToContainerPoint([c.lat, c.lon]).distanceTo(e.containerPoint) < 16) {
        map.setView([c.lat, c.lon], Math.min(map.getZoom() + 3, 14));
        return;
      }
    }
  }
}

class TracksLayer implements MapLayer {
  readonly id = 'tracks';
  readonly label = 'Vessel tracks (live)';
  readonly color = '#0b7285';
  readonly defaultOn = true;
  readonly wantsTracks = true;
  private readonly canvas: TrackCanvas;
  private readonly trail = L.layerGroup();
  private clustered = false;
  private view: View | null = null;

  constructor(private readonly host: LayerHost) {
    this.canvas = new TrackCanvas((id) => void this.selectTrack(id));
    const container = host.map.getContainer();
    this.canvas.onPainted = () => {
      container.dataset.tracksPaintedMs = String(Math.round(performance.now()));
    };
  }

  show(): void {
    this.canvas.addTo(this.host.map);
    this.trail.addTo(this.host.map);
  }

  hide(): void {
    this.canvas.remove();
    this.trail.remove();
  }

  async load(view: View, signal: AbortSignal): Promise<LoadResult> {
    this.view = view;
    const answer = await api<TracksAnswer>(
      withQuery('/api/v1/maritime/tracks', { bbox: bboxParam(view.bbox), since: view.since,
        limit: kTrackLimit }), { signal });
    const tracks = new Map<number, Track>();
    const clusters: Cluster[] = [];
    for (const f of answer.features) {
      const [lon, lat] = f.geometry.coordinates;
      if (f.properties.kind === 'cluster') {
        clusters.push({ lat, lon, count: f.properties.count ?? 0 });
      } else {
        const p = f.properties;
        tracks.set(f.id!, { id: f.id!, mmsi: p.mmsi ?? 0, lat, lon, speed_knots: p.speed_knots ?? 0,
          course_deg: p.course_deg ?? 0, last_seen: p.last_seen ?? '' });
      }
    }
    this.canvas.tracks = tracks;
    this.canvas.clusters = clusters;
    this.clustered = answer.clustered;
    this.host.map.getContainer().dataset.trackCount = String(answer.total);
    this.canvas.schedule();
    return {
      count: answer.total,
      note: answer.clustered ? `${clusters.length} clusters; zoom in for vessels` : undefined,
    };
  }

  onStream(kind: string, data: unknown): void {
    if (kind !== 'tracks') return;
    const update = data as { tracks: Track[]; more: boolean };
    if (update.more || this.clustered) {
      this.host.requestReload(this);
      if (this.clustered) return;
    }
    const [w, s, e, n] = this.view?.bbox ?? [-180, -90, 180, 90];
    for (const t of update.tracks ?? []) {
      if (t.lon < w || t.lon > e || t.lat < s || t.lat > n) continue;
      this.canvas.tracks.set(t.id, t);
    }
    this.canvas.schedule();
  }

  items(): FeatureItem[] {
    const out: FeatureItem[] = [];
    for (const c of this.canvas.clusters) {
      out.push({ key: `c${c.lat},${c.lon}`, label: `${c.count} vessels`, detail: 'cluster',
        lat: c.lat, lon: c.lon,
        open: () => this.host.map.setView([c.lat, c.lon], Math.min(this.host.map.getZoom() + 3, 14)) });
    }
    for (const t of this.canvas.tracks.values()) {
      out.push({ key: `t${t.id}`, label: `MMSI ${t.mmsi}`,
        detail: `${t.speed_knots.toFixed(1)} kn, ${Math.round(t.course_deg)}°`, lat: t.lat,
        lon: t.lon, open: () => void this.selectTrack(t.id) });
    }
    return out;
  }

  private async selectTrack(id: number): Promise<void> {
    this.canvas.selected = id;
    this.canvas.schedule();
    const body = h('div', { class: 'track-detail' }, h('p', { class: 'state loading' }, 'Loading track…'));
    this.host.showDetails(`Track ${id}`, body);
    try {
      const t = await api<TrackDetail>(`/api/v1/maritime/tracks/${id}`);
      this.trail.clearLayers();
      const coords = t.geometry?.type === 'LineString' ? t.geometry.coordinates : [];
      if (coords.length > 1) {
        L.polyline(coords.map(([lon, lat]) => [lat, lon] as [number, number]),
          { color: '#ffd43b', weight: 3, opacity: 0.9, interactive: false }).addTo(this.trail);
      }
      const p = t.properties;
      const times = p.times ?? [];
      body.replaceChildren(h('dl', { class: 'facts' },
        h('dt', {}, 'MMSI'), h('dd', {}, String(p.mmsi)),
        h('dt', {}, 'Speed'), h('dd', {}, `${Number(p.speed_knots ?? 0).toFixed(1)} kn`),
        h('dt', {}, 'Course'), h('dd', {}, `${Math.round(Number(p.course_deg ?? 0))}°`),
        h('dt', {}, 'Last seen'), h('dd', {}, time(p.last_seen)),
        h('dt', {}, 'Reports'), h('dd', {}, String(p.reports ?? '—')),
        h('dt', {}, 'Trail'), h('dd', {}, coords.length > 1
          ? [`${coords.length} points since `, time(times[0])] : 'no history yet'),
        p.identity_conflict ? [h('dt', {}, 'Identity'), h('dd', {}, 'conflicting reports')] : null));
    } catch (e) {
      body.replaceChildren(h('p', { class: 'state error', role: 'alert' }, (e as Error).message));
    }
  }
}

export const vesselTracks: LayerFactory = (host) => new TracksLayer(host);
