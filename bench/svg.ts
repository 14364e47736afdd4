// A reliability diagram as a small standalone SVG: predicted probability (x) against the
// observed rate (y) per bin, one line per series, the diagonal for perfect calibration.
import type { ReliabilityBin } from '../worker/src/ml/calibration';

export interface Series {
  name: string;
  bins: ReliabilityBin[];
  ece: number;
  colour: string;
}

export function reliabilitySvg(panels: { title: string; series: Series[] }[]): string {
  const size = 300;
  const pad = 45;
  const width = panels.length * (size + pad + 20) + 20;
  const height = size + pad + 110;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`, `<rect width="100%" height="100%" fill="white"/>`];
  panels.forEach((panel, k) => {
    const x0 = 20 + pad + k * (size + pad + 20);
    const y0 = 30;
    const X = (v: number) => (x0 + v * size).toFixed(1);
    const Y = (v: number) => (y0 + (1 - v) * size).toFixed(1);
    out.push(`<text x="${x0}" y="18" font-size="13" font-weight="bold">${panel.title}</text>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${size}" height="${size}" fill="none" stroke="#999"/>`);
    for (let t = 0; t <= 10; t += 2) {
      const v = t / 10;
      out.push(`<line x1="${X(v)}" y1="${Y(0)}" x2="${X(v)}" y2="${+Y(0) + 4}" stroke="#999"/><text x="${X(v)}" y="${+Y(0) + 16}" text-anchor="middle">${v}</text>`);
      out.push(`<line x1="${x0 - 4}" y1="${Y(v)}" x2="${x0}" y2="${Y(v)}" stroke="#999"/><text x="${x0 - 7}" y="${+Y(v) + 4}" text-anchor="end">${v}</text>`);
    }
    out.push(`<text x="${x0 + size / 2}" y="${y0 + size + 32}" text-anchor="middle">predicted probability</text>`);
    out.push(`<text transform="translate(${x0 - 32},${y0 + size / 2}) rotate(-90)" text-anchor="middle">observed buy rate</text>`);
    out.push(`<line x1="${X(0)}" y1="${Y(0)}" x2="${X(1)}" y2="${Y(1)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
    panel.series.forEach((s, i) => {
      const points = s.bins.filter((b) => b.count > 0);
      out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="1.8" points="${points.map((b) => `${X(b.meanPredicted)},${Y(b.observedRate)}`).join(' ')}"/>`);
      for (const b of points) out.push(`<circle cx="${X(b.meanPredicted)}" cy="${Y(b.observedRate)}" r="${(2 + Math.log10(b.count + 1)).toFixed(1)}" fill="${s.colour}"><title>${b.count} sessions: predicted ${b.meanPredicted.toFixed(3)}, observed ${b.observedRate.toFixed(3)}</title></circle>`);
      out.push(`<rect x="${x0}" y="${y0 + size + 48 + i * 16}" width="10" height="10" fill="${s.colour}"/><text x="${x0 + 15}" y="${y0 + size + 57 + i * 16}">${s.name} (ECE ${s.ece.toFixed(4)})</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
