// Layers of records that carry a geometry (GET /api/v1/records?type=&bbox=&since=): anomaly
// events raised by the vessel picture's rules, incidents of every domain, alerts. Clicking a
// feature opens its record.
import * as L from 'leaflet';
import { api, recordTitle, withQuery, type RecordJson } from '../api';
import type { FeatureItem, LayerFactory, LayerHost, LoadResult, MapLayer, View } from './types';
import { bboxParam } from './types';

interface RecordLayerOptions {
  id: string;
  label: string;
  color: string;
  type: string;
  defaultOn: boolean;
  matches(r: RecordJson): boolean;
}

const kPageSize = 500;

function centre(g: GeoJSON.Geometry): L.LatLng | null {
  try {
    const b = L.geoJSON(g as GeoJSON.GeoJsonObject).getBounds();
    return b.isValid() ? b.getCenter() : null;
  } catch {
    return null;
  }
}

class RecordLayer implements MapLayer {
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly defaultOn: boolean;
  private readonly records = new Map<string, RecordJson>();
  private readonly group: L.GeoJSON;
  private visible = false;

  constructor(private readonly host: LayerHost, private readonly opts: RecordLayerOptions) {
    this.id = opts.id;
    this.label = opts.label;
    this.color = opts.color;
    this.defaultOn = opts.defaultOn;
    const color = opts.color;
    this.group = L.geoJSON(undefined, {
      pointToLayer: (_f, latlng) =>
        L.circleMarker(latlng, { radius: 7, color: '#1b1b1b', weight: 1.5, fillColor: color,
          fillOpacity: 0.9 }),
      style: () => ({ color, weight: 2, fillColor: color, fillOpacity: 0.12 }),
      onEachFeature: (f, layer) => {
        const id = (f.properties as { id: string }).id;
        layer.bindTooltip((f.properties as { title: string }).title);
        layer.on('click', () => this.host.openRecord(id));
      },
    });
  }

  show(): void {
    this.visible = true;
    this.group.addTo(this.host.map);
  }

  hide(): void {
    this.visible = false;
    this.group.remove();
  }

  async load(view: View, signal: AbortSignal): Promise<LoadResult> {
    const page = await api<{ records: RecordJson[]; next_cursor: string | null }>(
      withQuery('/api/v1/records', { type: this.opts.type, bbox: bboxParam(view.bbox),
        since: view.since, limit: kPageSize }), { signal });
    this.records.clear();
    for (const r of page.records) this.keep(r);
    this.redraw();
    return { count: this.records.size,
      note: page.next_cursor ? `first ${kPageSize} of this type in view` : undefined };
  }

  onStream(kind: string, data: unknown): void {
    if (kind !== 'record') return;
    const r = data as RecordJson;
    if (!r || r.type !== this.opts.type) return;
    if (this.keep(r) && this.visible) this.redraw();
  }

  items(): FeatureItem[] {
    const out: FeatureItem[] = [];
    for (const r of this.records.values()) {
      const c = r.geometry ? centre(r.geometry) : null;
      if (!c) continue;
      out.push({ key: r.id, label: recordTitle(r), detail: this.label, lat: c.lat, lon: c.lng,
        open: () => this.host.openRecord(r.id) });
    }
    return out;
  }

  private keep(r: RecordJson): boolean {
    if (!r.geometry || !this.opts.matches(r)) {
      return this.records.delete(r.id);
    }
    this.records.set(r.id, r);
    return true;
  }

  private redraw(): void {
    this.group.clearLayers();
    for (const r of this.records.values()) {
      this.group.addData({ type: 'Feature', geometry: r.geometry!,
        properties: { id: r.id, title: recordTitle(r) } } as GeoJSON.Feature);
    }
  }
}

const isAnomaly = (r: RecordJson) => String(r.properties?.category ?? '').startsWith('maritime.');

export const anomalyEvents: LayerFactory = (host) =>
  new RecordLayer(host, { id: 'anomalies', label: 'Anomaly events', color: '#e8590c',
    type: 'Event', defaultOn: true, matches: isAnomaly });

export const incidents: LayerFactory = (host) =>
  new RecordLayer(host, { id: 'incidents', label: 'Incidents', color: '#c92a2a',
    type: 'Event', defaultOn: true, matches: (r) => !isAnomaly(r) });

export const alerts: LayerFactory = (host) =>
  new RecordLayer(host, { id: 'alerts', label: 'Alerts', color: '#7048e8', type: 'Alert',
    defaultOn: true, matches: () => true });
