// The picture's layers, in drawing order (later on top). One module per layer.
import type { LayerFactory } from './types';
import { vesselTracks } from './tracks';
import { incidents, anomalyEvents, alerts } from './records';

export const layerFactories: LayerFactory[] = [incidents, alerts, anomalyEvents, vesselTracks];
