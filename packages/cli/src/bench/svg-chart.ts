import type { BenchResult } from './bench-result.js';
import { formatShort } from './format-units.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const WIDTH = 960;
const PLOT_LEFT = 70;
const PLOT_RIGHT = WIDTH - 20;
const PLOT_WIDTH = PLOT_RIGHT - PLOT_LEFT;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const exponent = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * exponent >= value) return step * exponent;
  return 10 * exponent;
}

function polyline(points: readonly (readonly [number, number])[], color: string, dash: string): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  return `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash === '' ? '' : ` stroke-dasharray="${dash}"`} points="${d}"/>`;
}

/**
 * Renders one or several bench results as one SVG: records/s over time (produced dashed, consumed solid) and
 * a grouped bar chart of put-to-ack and put-to-process percentiles, one colour per run.
 */
export function renderSvgChart(results: readonly BenchResult[]): string {
  const parts: string[] = [];
  const top1 = 50;
  const height1 = 260;
  const top2 = top1 + height1 + 90;
  const height2 = 240;
  const total = top2 + height2 + 60 + results.length * 18;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${total}" viewBox="0 0 ${WIDTH} ${total}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PLOT_LEFT}" y="24" font-size="16" font-weight="bold">Throughput over time (user records/s): consumed solid, produced dashed</text>`,
  );

  // Throughput over time.
  const maxT = Math.max(1, ...results.flatMap((r) => r.series.map((p) => p.t)));
  const maxRate = niceCeiling(
    Math.max(1, ...results.flatMap((r) => r.series.flatMap((p) => [p.produced, p.consumed]))),
  );
  const x = (t: number): number => PLOT_LEFT + (t / maxT) * PLOT_WIDTH;
  const y1 = (v: number): number => top1 + height1 - (v / maxRate) * height1;
  parts.push(axes(top1, height1, maxRate, (v) => formatShort(v)));
  for (let i = 0; i <= 5; i++) {
    const t = (maxT * i) / 5;
    parts.push(`<text x="${x(t).toFixed(1)}" y="${top1 + height1 + 16}" text-anchor="middle">${t.toFixed(0)} s</text>`);
  }
  results.forEach((r, i) => {
    const color = PALETTE[i % PALETTE.length] as string;
    parts.push(
      polyline(
        r.series.map((p) => [x(p.t), y1(p.produced)] as const),
        color,
        '6 4',
      ),
    );
    parts.push(
      polyline(
        r.series.map((p) => [x(p.t), y1(p.consumed)] as const),
        color,
        '',
      ),
    );
  });

  // Latency percentiles.
  parts.push(
    `<text x="${PLOT_LEFT}" y="${top2 - 26}" font-size="16" font-weight="bold">Latency percentiles (ms): put-to-ack light, put-to-process dark</text>`,
  );
  const labels = ['p50', 'p90', 'p99', 'p999'] as const;
  const maxLatency = niceCeiling(
    Math.max(1, ...results.flatMap((r) => labels.flatMap((l) => [r.latency.putToAck[l], r.latency.putToProcess[l]]))),
  );
  const y2 = (v: number): number => top2 + height2 - (v / maxLatency) * height2;
  parts.push(axes(top2, height2, maxLatency, (v) => `${formatShort(v)}`));
  const groupWidth = PLOT_WIDTH / labels.length;
  const barWidth = Math.max(4, Math.min(28, (groupWidth - 30) / (results.length * 2)));
  labels.forEach((label, g) => {
    const groupLeft = PLOT_LEFT + g * groupWidth + (groupWidth - barWidth * results.length * 2) / 2;
    results.forEach((r, i) => {
      const color = PALETTE[i % PALETTE.length] as string;
      const bars: [number, number][] = [
        [r.latency.putToAck[label], 0.45],
        [r.latency.putToProcess[label], 1],
      ];
      bars.forEach(([value, opacity], k) => {
        const bx = groupLeft + (i * 2 + k) * barWidth;
        const by = y2(value);
        parts.push(
          `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${(top2 + height2 - by).toFixed(1)}" fill="${color}" fill-opacity="${opacity}"><title>${escapeXml(`${r.label} ${k === 0 ? 'put-to-ack' : 'put-to-process'} ${label}: ${value} ms`)}</title></rect>`,
        );
      });
    });
    parts.push(
      `<text x="${(PLOT_LEFT + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${top2 + height2 + 16}" text-anchor="middle">${label}</text>`,
    );
  });

  // Legend: one line per run.
  results.forEach((r, i) => {
    const ly = top2 + height2 + 44 + i * 18;
    const color = PALETTE[i % PALETTE.length] as string;
    const text = `${r.label}: ${formatShort(r.consumed.recordsPerSecond)} rec/s consumed, p99 put-to-process ${r.latency.putToProcess.p99} ms, lost ${r.check.lost}, duplicates ${r.check.duplicates}`;
    parts.push(
      `<rect x="${PLOT_LEFT}" y="${ly - 10}" width="12" height="12" fill="${color}"/>`,
      `<text x="${PLOT_LEFT + 18}" y="${ly}">${escapeXml(text)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}

function axes(top: number, height: number, max: number, label: (v: number) => string): string {
  const lines: string[] = [
    `<line x1="${PLOT_LEFT}" y1="${top}" x2="${PLOT_LEFT}" y2="${top + height}" stroke="#333"/>`,
    `<line x1="${PLOT_LEFT}" y1="${top + height}" x2="${PLOT_RIGHT}" y2="${top + height}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = top + height - (height * i) / 4;
    lines.push(
      `<line x1="${PLOT_LEFT}" y1="${y}" x2="${PLOT_RIGHT}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${PLOT_LEFT - 6}" y="${y + 4}" text-anchor="end">${label(v)}</text>`,
    );
  }
  return lines.join('\n');
}
