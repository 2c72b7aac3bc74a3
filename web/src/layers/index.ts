// The picture's layers, in drawing order (later on top). One module per layer.
import type { LayerFactory } from './types';
import { vesselTracks } from './tracks';
import { incidents, anomalyEvents, alerts } from './records';
import { borderSections } from './sections';
import { hotSpots } from './hotspots';

export const layerFactories: LayerFactory[] = [borderSections, hotSpots, incidents, alerts,
  anomalyEvents, vesselTracks];
