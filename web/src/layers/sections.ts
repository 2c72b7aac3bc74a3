// EUROSUR border sections coloured by impact level: the features of kind `section_impact` of the
// analysis layer (GET /api/v1/eurosur/pictures/{european|national}/layers/analysis?bbox=), the
// European picture for the Agency and the national one for everyone else. Clicking a section
// shows its name, level, since when and its open proposal.
import * as L from 'leaflet';
import { analysisFeatures, kLevelColors, type AnalysisFeature } from '../eurosur';
import { chip, h, time } from '../ui';
import type { FeatureItem, LayerFactory, LayerHost, LoadResult, MapLayer, View } from './types';
import { bboxParam } from './types';

interface SectionProps {
  section_id: string;
  name: string;
  member_state: string;
  level: string | null;
  level_since?: string;
  critical_until?: string | null;
  open_proposal?: string | null;
}

const levelColor = (level: string | null | undefined) => kLevelColors[level ?? ''] ?? '#868e96';

class SectionsLayer implements MapLayer {
  readonly id = 'sections';
  readonly label = 'Border sections';
  readonly color = kLevelColors.high;
  readonly defaultOn = true;
  private readonly group: L.GeoJSON;
  private readonly legend: L.Control;
  private sections: { props: SectionProps; centre: L.LatLng }[] = [];

  constructor(private readonly host: LayerHost) {
    this.group = L.geoJSON(undefined, {
      style: (f) => {
        const c = levelColor((f?.properties as SectionProps).level);
        return { color: c, weight: 2, fillColor: c, fillOpacity: 0.3, className: 'border-section' };
      },
      onEachFeature: (f, layer) => {
        const p = f.properties as SectionProps;
        layer.bindTooltip(`${p.name} (${p.level ?? 'no level'})`);
        layer.on('click', () => this.select(p));
      },
    });
    this.legend = new L.Control({ position: 'bottomleft' });
    this.legend.onAdd = () => h('div', { class: 'legend', 'aria-label': 'Impact levels' },
      h('strong', {}, 'Impact level'),
      Object.entries(kLevelColors).map(([level, c]) => h('div', {},
        h('span', { class: 'swatch', style: `background:${c}` }), ` ${level}`)));
  }

  show(): void {
    this.group.addTo(this.host.map);
    this.legend.addTo(this.host.map);
  }

  hide(): void {
    this.group.remove();
    this.legend.remove();
  }

  async load(view: View, signal: AbortSignal): Promise<LoadResult> {
    const features = (await analysisFeatures(bboxParam(view.bbox), signal))
      .filter((f): f is AnalysisFeature & { geometry: GeoJSON.Geometry } =>
        f.properties.kind === 'section_impact' && !!f.geometry);
    this.group.clearLayers();
    this.sections = [];
    for (const f of features) {
      this.group.addData({ type: 'Feature', geometry: f.geometry, properties: f.properties } as GeoJSON.Feature);
      const b = L.geoJSON(f.geometry as GeoJSON.GeoJsonObject).getBounds();
      if (b.isValid()) this.sections.push({ props: f.properties as unknown as SectionProps, centre: b.getCenter() });
    }
    // Under the markers of the other layers, so that a click on an incident in a section
    // reaches the incident.
    this.group.eachLayer((l) => (l as L.Path).bringToBack());
    this.host.map.getContainer().dataset.sectionCount = String(features.length);
    return { count: features.length };
  }

  items(): FeatureItem[] {
    return this.sections.map(({ props, centre }) => ({
      key: `s${props.section_id}`, label: props.name || props.section_id,
      detail: `section, ${props.level ?? 'no level'}`, lat: centre.lat, lon: centre.lng,
      open: () => this.select(props),
    }));
  }

  private select(p: SectionProps): void {
    this.host.showDetails(p.name || p.section_id, h('dl', { class: 'facts section-detail' },
      h('dt', {}, 'Section'), h('dd', {}, p.section_id),
      h('dt', {}, 'Member state'), h('dd', {}, p.member_state),
      h('dt', {}, 'Impact level'), h('dd', { class: 'level' }, p.level ? chip(p.level) : 'none'),
      h('dt', {}, 'Since'), h('dd', {}, time(p.level_since)),
      p.critical_until ? [h('dt', {}, 'Critical until'), h('dd', {}, time(p.critical_until))] : null,
      h('dt', {}, 'Open proposal'), h('dd', {}, p.open_proposal
        ? h('a', { href: '#/worklists' }, p.open_proposal) : 'none')));
  }
}

export const borderSections: LayerFactory = (host) => new SectionsLayer(host);
