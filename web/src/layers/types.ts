// A layer of the common situational picture. Each layer is one module that loads its features
// for the visible box and time window, draws them, and may take live updates from the stream.
// To add a layer (e.g. EUROSUR border sections or hot spots), write one module exporting a
// LayerFactory and list it in layers/index.ts.
import type * as L from 'leaflet';

/** What the map shows now: the box (west,south,east,north) and the start of the time window. */
export interface View {
  bbox: [number, number, number, number];
  since: string;  // RFC 3339
  zoom: number;
}

/** Something a user can select, listed under the map for keyboard users. */
export interface FeatureItem {
  key: string;
  label: string;
  detail?: string;
  lat: number;
  lon: number;
  open(): void;
}

/** What the picture gives a layer. */
export interface LayerHost {
  map: L.Map;
  openRecord(id: string): void;
  showDetails(title: string, body: HTMLElement): void;
  /** Asks the picture to reload this layer soon (e.g. the stream said some updates were left out). */
  requestReload(layer: MapLayer): void;
}

export interface LoadResult {
  count: number;
  note?: string;
}

export interface MapLayer {
  readonly id: string;
  readonly label: string;
  readonly color: string;
  /** Whether the layer is on when the picture opens. */
  readonly defaultOn: boolean;
  /** Whether the layer wants the stream's vessel track updates (?tracks=true). */
  readonly wantsTracks?: boolean;
  show(): void;
  hide(): void;
  /** Loads the features for the view; rejects with an ApiError (e.g. 403: not available). */
  load(view: View, signal: AbortSignal): Promise<LoadResult>;
  /** A stream notice: `record`, `hit`, `alert`, `access_request` or `tracks`. */
  onStream?(kind: string, data: unknown): void;
  items(): FeatureItem[];
}

export type LayerFactory = (host: LayerHost) => MapLayer;

export function bboxParam(b: View['bbox']): string {
  return b.map((v) => v.toFixed(4)).join(',');
}
