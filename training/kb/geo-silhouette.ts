/**
 * Turns a country's GeoJSON outline into an SVG silhouette (black on transparent) that the renderer treats like any
 * other SVG. Projection: equirectangular with longitudes scaled by cos(mean latitude), so mid-latitude countries keep
 * their familiar proportions. Countries that straddle the antimeridian (Russia, Fiji, Kiribati) are unwrapped first.
 * @module
 */

type Position = readonly number[];
type Ring = readonly Position[];

interface GeoGeometry {
  readonly type: string;
  readonly coordinates?: unknown;
}

/** The part of a GeoJSON FeatureCollection the silhouette reads. */
export interface GeoFeatureCollection {
  readonly features: readonly { readonly geometry?: GeoGeometry | null }[];
}

/** Side of the SVG user space the outline is scaled into; paths are rounded to 0.1 unit. */
const canvasSide = 512;

function collectPolygons(geometry: GeoGeometry): Ring[][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as Ring[]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as Ring[][];
  if (geometry.type === 'GeometryCollection') {
    const inner = (geometry as { geometries?: GeoGeometry[] }).geometries ?? [];
    return inner.flatMap(collectPolygons);
  }
  return [];
}

function unwrapLongitudes(rings: Ring[]): Ring[] {
  const lons = rings.flatMap((ring) => ring.map((p) => p[0] ?? 0));
  const span = Math.max(...lons) - Math.min(...lons);
  if (span <= 180) return rings;
  // Shifting western longitudes east by 360° joins the two halves of an antimeridian-straddling country.
  const shifted = rings.map((ring) => ring.map((p) => [(p[0] ?? 0) < 0 ? (p[0] ?? 0) + 360 : (p[0] ?? 0), p[1] ?? 0]));
  const shiftedLons = shifted.flatMap((ring) => ring.map((p) => p[0] ?? 0));
  return Math.max(...shiftedLons) - Math.min(...shiftedLons) < span ? shifted : rings;
}

/** Builds the silhouette SVG of a GeoJSON outline; undefined when the collection has no polygon. */
export function drawGeoSilhouette(collection: GeoFeatureCollection): string | undefined {
  const polygons = collection.features.flatMap((feature) =>
    feature.geometry ? collectPolygons(feature.geometry) : [],
  );
  const rings = unwrapLongitudes(polygons.flat().filter((ring) => ring.length >= 3));
  if (rings.length === 0) return undefined;
  const lats = rings.flatMap((ring) => ring.map((p) => p[1] ?? 0));
  const meanLat = (Math.max(...lats) + Math.min(...lats)) / 2;
  const xScale = Math.max(Math.cos((meanLat * Math.PI) / 180), 0.2);
  const projected = rings.map((ring) => ring.map((p) => ({ x: (p[0] ?? 0) * xScale, y: -(p[1] ?? 0) })));
  const xs = projected.flatMap((ring) => ring.map((p) => p.x));
  const ys = projected.flatMap((ring) => ring.map((p) => p.y));
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const extent = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY, 1e-9);
  const scale = canvasSide / extent;
  const width = Math.max(1, Math.ceil((Math.max(...xs) - minX) * scale));
  const height = Math.max(1, Math.ceil((Math.max(...ys) - minY) * scale));
  const paths = projected.map((ring) => {
    const points: string[] = [];
    for (const p of ring) {
      const point = `${((p.x - minX) * scale).toFixed(1)} ${((p.y - minY) * scale).toFixed(1)}`;
      if (points[points.length - 1] !== point) points.push(point);
    }
    return `M${points.join('L')}Z`;
  });
  // evenodd keeps lakes and enclaves (holes in the outline) open.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<path fill="#000000" fill-rule="evenodd" d="${paths.join('')}"/></svg>`
  );
}
