// Geometry helpers of the basemap (no DOM, no map library: unit-tested under Node).

/**
 * Natural Earth rings that cross the antimeridian jump from +180 to -180; drawn as they are on
 * a flat map they make bands across the world. Unwrap them (a ring may then reach past 180).
 * A ring that goes around the pole (Antarctica) does not close once unwrapped: kept as it is.
 */
export function unwrapRing(ring: GeoJSON.Position[]): GeoJSON.Position[] {
  let shift = 0;
  let crossed = false;
  const out = ring.map(([lon, lat], i) => {
    if (i > 0) {
      const prev = ring[i - 1][0];
      if (lon - prev > 180) shift -= 360;
      else if (prev - lon > 180) shift += 360;
      else return [lon + shift, lat];
      crossed = true;
    }
    return [lon + shift, lat];
  });
  if (!crossed || Math.abs(out[out.length - 1][0] - out[0][0]) > 1) return ring;
  // Put most of the ring back in [-180, 180]: only the crossing part reaches past the edge.
  const mean = out.reduce((sum, p) => sum + p[0], 0) / out.length;
  const back = -360 * Math.round(mean / 360);
  return back ? out.map(([lon, lat]) => [lon + back, lat]) : out;
}
