// EUROSUR hot spots: the features of kind `hotspot` of the analysis layer (Getis-Ord Gi* cells
// per border section over the period, default the last 30 days), drawn as cells shaded by their
// confidence. Same request as the border sections layer (picture by the user's authority).
import * as L from 'leaflet';
import { analysisFeatures } from '../eurosur';
import { h, time } from '../ui';
import type { FeatureItem, LayerFactory, LayerHost, LoadResult, MapLayer, View } from './types';
import { bboxParam } from './types';

interface HotspotProps {
  section_id?: string;
  z: number;
  confidence: number;
  incidents: number;
  cell_size_m: number;
  period_from: string;
  period_to: string;
}

const kColor = '#ae3ec9';

class HotspotsLayer implements MapLayer {
  readonly id = 'hotspots';
  readonly label = 'Hot spots';
  readonly color = kColor;
  readonly defaultOn = true;
  private readonly group: L.GeoJSON;
  private cells: { key: string; props: HotspotProps; centre: L.LatLng }[] = [];

  constructor(private readonly host: LayerHost) {
    this.group = L.geoJSON(undefined, {
      style: (f) => {
        const c = Number((f?.properties as HotspotProps).confidence) || 0;
        return { color: kColor, weight: 1, fillColor: kColor,
          fillOpacity: 0.15 + 0.5 * Math.max(0, Math.min(1, c)), className: 'hotspot-cell' };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties as HotspotProps;
        layer.bindTooltip(`Hot spot: confidence ${pct(p.confidence)}, ${p.incidents} incidents`);
        layer.on('click', () => this.select(p));
      },
    });
  }

  show(): void {
    this.group.addTo(this.host.map);
  }

  hide(): void {
    this.group.remove();
  }

  async load(view: View, signal: AbortSignal): Promise<LoadResult> {
    const features = (await analysisFeatures(bboxParam(view.bbox), signal))
      .filter((f) => f.properties.kind === 'hotspot' && !!f.geometry);
    this.group.clearLayers();
    this.cells = [];
    for (const f of features) {
      this.group.addData({ type: 'Feature', geometry: f.geometry!, properties: f.properties } as GeoJSON.Feature);
      const b = L.geoJSON(f.geometry as GeoJSON.GeoJsonObject).getBounds();
      if (b.isValid()) {
        this.cells.push({ key: String(f.id ?? this.cells.length),
          props: f.properties as unknown as HotspotProps, centre: b.getCenter() });
      }
    }
    // Under the other layers' markers (a click on an incident in a cell reaches the incident),
    // and the border sections under the cells.
    this.group.eachLayer((l) => (l as L.Path).bringToBack());
    this.host.map.eachLayer((l) => {
      if (l instanceof L.Path && l.options.className === 'border-section') l.bringToBack();
    });
    return { count: features.length };
  }

  items(): FeatureItem[] {
    return this.cells.map(({ key, props, centre }) => ({
      key, label: `Hot spot ${props.section_id ?? ''}`.trim(),
      detail: `confidence ${pct(props.confidence)}`, lat: centre.lat, lon: centre.lng,
      open: () => this.select(props),
    }));
  }

  private select(p: HotspotProps): void {
    this.host.showDetails('Hot spot', h('dl', { class: 'facts' },
      h('dt', {}, 'Section'), h('dd', {}, p.section_id ?? '—'),
      h('dt', {}, 'Confidence'), h('dd', {}, pct(p.confidence)),
      h('dt', {}, 'Gi* z'), h('dd', {}, Number(p.z).toFixed(2)),
      h('dt', {}, 'Incidents in cell'), h('dd', {}, String(p.incidents)),
      h('dt', {}, 'Cell'), h('dd', {}, `${Math.round(p.cell_size_m / 1000)} km`),
      h('dt', {}, 'Period'), h('dd', {}, time(p.period_from), ' – ', time(p.period_to))));
  }
}

function pct(c: number): string {
  return `${Math.round((Number(c) || 0) * 100)} %`;
}

export const hotSpots: LayerFactory = (host) => new HotspotsLayer(host);
