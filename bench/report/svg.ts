/** Hand-built SVG charts: no dependency, readable diffs, renders on GitHub and in any browser. */

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: Array<[x: number, y: number]>;
}

export interface LineChart {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  series: Series[];
}

const W = 760;
const H = 440;
const M = { left: 78, right: 190, top: 58, bottom: 58 };

export function lineChartSvg(chart: LineChart): string {
  const all = chart.series.flatMap((s) => s.points).filter(([x, y]) => valid(x, chart.logX) && valid(y, chart.logY));
  if (all.length === 0) return emptySvg(chart.title);
  const xs = axis(
    all.map((p) => p[0]),
    chart.logX,
  );
  const ys = axis(
    all.map((p) => p[1]),
    chart.logY,
  );
  const px = (x: number) => M.left + xs.scale(x) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ys.scale(y) * (H - M.top - M.bottom);
  const parts: string[] = [header(chart.title, chart.subtitle)];
  for (const tick of xs.ticks) {
    const x = px(tick);
    parts.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" class="grid"/>`);
    parts.push(`<text x="${x}" y="${H - M.bottom + 18}" text-anchor="middle">${label(tick)}</text>`);
  }
  for (const tick of ys.ticks) {
    const y = py(tick);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${M.left - 8}" y="${y + 4}" text-anchor="end">${label(tick)}</text>`);
  }
  parts.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" class="frame"/>`,
  );
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 16}" text-anchor="middle" class="axis">${esc(chart.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(20 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${esc(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const points = series.points.filter(([x, y]) => valid(x, chart.logX) && valid(y, chart.logY));
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 0) {
      const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
      for (const [x, y] of points) {
        parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${series.color}"/>`);
      }
    }
    const ly = M.top + 10 + index * 20;
    parts.push(
      `<line x1="${W - M.right + 14}" y1="${ly}" x2="${W - M.right + 40}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`,
    );
    parts.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${esc(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export interface BarChart {
  title: string;
  subtitle?: string;
  unit: string;
  bars: Array<{ name: string; value: number; color: string; note?: string }>;
}

export function barChartSvg(chart: BarChart): string {
  const max = Math.max(1e-9, ...chart.bars.map((b) => b.value));
  const rowH = 34;
  const height = M.top + chart.bars.length * rowH + 30;
  const left = 220;
  const right = 150;
  const parts = [header(chart.title, chart.subtitle, height)];
  chart.bars.forEach((bar, index) => {
    const y = M.top + index * rowH;
    const width = (bar.value / max) * (W - left - right);
    parts.push(`<text x="${left - 10}" y="${y + 19}" text-anchor="end">${esc(bar.name)}</text>`);
    parts.push(
      `<rect x="${left}" y="${y + 5}" width="${width.toFixed(1)}" height="${rowH - 12}" fill="${bar.color}"/>`,
    );
    parts.push(
      `<text x="${left + width + 8}" y="${y + 19}">${label(bar.value)} ${esc(chart.unit)}${bar.note === undefined ? '' : ` ${esc(bar.note)}`}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function header(title: string, subtitle: string | undefined, height = H): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '<style>.grid{stroke:#e4e4e4;stroke-width:1}.frame{fill:none;stroke:#999}.axis{font-size:13px;fill:#333}text{fill:#333}</style>',
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    subtitle === undefined ? '' : `<text x="${M.left}" y="42" fill="#666">${esc(subtitle)}</text>`,
  ].join('\n');
}

function emptySvg(title: string): string {
  return `${header(title, 'no data')}\n</svg>`;
}

function valid(value: number, log: boolean): boolean {
  return Number.isFinite(value) && (!log || value > 0);
}

function axis(values: number[], log: boolean): { scale: (v: number) => number; ticks: number[] } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (log) {
    const a = Math.floor(Math.log10(lo));
    const b = Math.ceil(Math.log10(hi));
    const top = b === a ? a + 1 : b;
    const ticks: number[] = [];
    for (let e = a; e <= top; e++)
      for (const m of top - a <= 2 ? [1, 2, 5] : [1]) if (m * 10 ** e <= 10 ** top) ticks.push(m * 10 ** e);
    return { scale: (v) => (Math.log10(v) - a) / (top - a), ticks };
  }
  lo = Math.min(0, lo);
  if (hi === lo) hi = lo + 1;
  const step = niceStep((hi - lo) / 5);
  const top = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= top + step / 2; t += step) ticks.push(t);
  return { scale: (v) => (v - lo) / (top - lo), ticks };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function label(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
