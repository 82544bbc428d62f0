import { scaleLinear } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { headlineParts } from './headline.js';
import type { SimulationReport } from './report.js';

/** Charts are written as SVG text (no DOM): d3-scale for the axes, d3-shape for the paths. */
export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
}

/** Room above the plot: title, two lines of headline figures, legend. */
const MARGIN = { top: 80, right: 24, bottom: 44, left: 64 } as const;
const Y_TITLE = 18;
const Y_HEADLINE = [38, 53] as const;
const Y_LEGEND = 68;
const HOUR = 3_600_000;

interface SeriesStyle {
  readonly name: string;
  readonly color: string;
  readonly dash?: string;
}

const STYLES = {
  demand: { name: 'demand', color: '#d62728' },
  supply: { name: 'capacity', color: '#1f77b4' },
  oracle: { name: 'oracle', color: '#2ca02c', dash: '6 4' },
  lowerBound: { name: 'strict bound', color: '#9467bd', dash: '2 3' },
  bootAware: { name: 'boot-aware bound', color: '#8c564b', dash: '1 3' },
} as const satisfies Record<string, SeriesStyle>;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r1 = (x: number): string => String(Math.round(x * 10) / 10);

/** The elements of one chart, drawn in a box of `width` x `height` at the origin. */
function chartBody(report: SimulationReport, width: number, height: number, title: string): string {
  const s = report.series;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const hours = s.t.map((t) => t / HOUR);
  const lines: { style: SeriesStyle; values: readonly number[] }[] = [
    { style: STYLES.demand, values: s.demand },
    { style: STYLES.supply, values: s.supply },
    ...(s.oracle === undefined ? [] : [{ style: STYLES.oracle, values: s.oracle }]),
    ...(s.lowerBound === undefined ? [] : [{ style: STYLES.lowerBound, values: s.lowerBound }]),
    ...(s.bootAware === undefined ? [] : [{ style: STYLES.bootAware, values: s.bootAware }]),
  ];
  let yMax = 0;
  for (const l of lines) for (const v of l.values) if (Number.isFinite(v)) yMax = Math.max(yMax, v);
  const x = scaleLinear()
    .domain([hours[0] ?? 0, Math.max((hours[hours.length - 1] ?? 0), (hours[0] ?? 0) + 1e-9)])
    .range([MARGIN.left, MARGIN.left + plotW]);
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax * 1.05 : 1])
    .nice()
    .range([MARGIN.top + plotH, MARGIN.top]);

  const out: string[] = [];
  out.push(`<text x="${r1(width / 2)}" y="${Y_TITLE}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  // The headline figures, worded and rounded as the table and the CLI summary word them.
  const parts = headlineParts(report);
  const cost = report.figures.oracle === undefined ? 1 : 2;
  [parts.slice(0, cost), parts.slice(cost)].forEach((line, i) => {
    out.push(`<text class="headline" x="${MARGIN.left}" y="${Y_HEADLINE[i] ?? 0}" font-size="11">${escapeXml(line.join('; '))}</text>`);
  });
  // Axes: grid lines and labels from the scales' own ticks.
  for (const tick of y.ticks(6)) {
    const py = r1(y(tick));
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py}" y2="${py}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" font-size="11">${escapeXml(y.tickFormat(6)(tick))}</text>`);
  }
  for (const tick of x.ticks(10)) {
    const px = r1(x(tick));
    out.push(`<line x1="${px}" x2="${px}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="11">${escapeXml(x.tickFormat(10)(tick))}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${r1(MARGIN.left + plotW / 2)}" y="${height - 6}" text-anchor="middle" font-size="12">time (hours)</text>`);
  out.push(`<text transform="translate(16 ${r1(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(s.unit)}</text>`);

  // One path per series; a step curve, since each sample holds until the next one.
  for (const l of lines) {
    const path = line<number>()
      .defined((v) => Number.isFinite(v))
      .x((_, i) => x(hours[i] ?? 0))
      .y((v) => y(v))
      .curve(curveStepAfter)
      .digits(1)(l.values as number[]);
    const dash = 'dash' in l.style ? ` stroke-dasharray="${l.style.dash}"` : '';
    out.push(`<path d="${path ?? ''}" fill="none" stroke="${l.style.color}" stroke-width="1.5"${dash}><title>${escapeXml(l.style.name)}</title></path>`);
  }

  // Legend, top right above the plot; each entry as wide as its label (11 px text, ~6.5 px a character).
  const entryWidth = (l: (typeof lines)[number]): number => 25 + Math.ceil(l.style.name.length * 6.5) + 14;
  let lx = MARGIN.left + plotW - lines.reduce((w, l) => w + entryWidth(l), 0);
  lines.forEach((l) => {
    const dash = 'dash' in l.style ? ` stroke-dasharray="${l.style.dash}"` : '';
    out.push(`<line x1="${lx}" x2="${lx + 20}" y1="${Y_LEGEND}" y2="${Y_LEGEND}" stroke="${l.style.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 25}" y="${Y_LEGEND}" dominant-baseline="middle" font-size="11">${escapeXml(l.style.name)}</text>`);
    lx += entryWidth(l);
  });
  return out.join('\n');
}

const svgOpen = (w: number, h: number): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">\n<rect width="${w}" height="${h}" fill="white"/>`;

/** Demand against capacity (and the oracle and strict bound, if present) over time for one policy. */
export function renderChartSvg(report: SimulationReport, options: ChartOptions = {}): string {
  const width = options.width ?? 900;
  const height = options.height ?? 360;
  const title = options.title ?? `${report.policy}: demand vs capacity`;
  return `${svgOpen(width, height)}\n${chartBody(report, width, height, title)}\n</svg>\n`;
}

/** One chart per policy, stacked in a single SVG. */
export function renderChartsSvg(reports: readonly SimulationReport[], options: ChartOptions = {}): string {
  const width = options.width ?? 900;
  const height = options.height ?? 360;
  const parts = reports.map((r, i) => `<g transform="translate(0 ${i * height})">\n${chartBody(r, width, height, `${r.policy}: demand vs capacity`)}\n</g>`);
  return `${svgOpen(width, height * Math.max(1, reports.length))}\n${parts.join('\n')}\n</svg>\n`;
}
