/**
 * The report as one self-contained HTML file: inline CSS, charts and maps as inline SVG, no script and
 * nothing fetched, so it opens anywhere and can be mailed or archived. Every piece of text goes
 * through `escapeHtml` (video, run and set names and notes are the user's). Pure.
 */
import type { ChartModel } from '../../shared/charts/chart-scale.ts';
import type { EvaluationSplit } from '../../shared/dto.ts';
import type { ReportMap, ReportModel, ReportRun, ReportTable } from './model.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or a number) made safe for HTML content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

/** Tagged template: interpolations are escaped unless already rendered (a `Html` value). */
class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = string | number | Html | readonly Html[];

function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] as string;
  parts.forEach((part, i) => {
    const text = Array.isArray(part) ? part.join('') : part instanceof Html ? part.text : escapeHtml(part as string | number);
    out += text + (strings[i + 1] as string);
  });
  return new Html(out);
}

const STYLE = `
body{font:15px/1.5 Georgia,'Times New Roman',serif;color:#1d2330;max-width:60rem;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #ccd;margin-top:2.2rem}h3{font-size:1.05rem}
.meta{color:#556;font-size:.9rem}
table{border-collapse:collapse;margin:.6rem 0;font:13px/1.35 system-ui,sans-serif}
caption{text-align:left;font-weight:600;padding-bottom:.3rem}
th,td{padding:.25rem .55rem;border-bottom:1px solid #dde}thead th{border-bottom:2px solid #889;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.baseline td{background:#f4f5f8;font-style:italic}td.muted{color:#a0a6b2}
.notes{color:#8a4b00;font-size:.88rem}
dl.settings{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem;font:12.5px/1.4 ui-monospace,monospace}
dl.settings dt{color:#556}dl.settings dd{margin:0}
figure{margin:.8rem 0}figcaption{font-size:.88rem;color:#445}
svg text{font:11px system-ui,sans-serif;fill:#5b6475}
svg .title{fill:#1d2330;font-weight:600;font-size:12px}
svg .grid{stroke:#e3e6ec}svg .axis{stroke:#9aa2b1}
svg .line{fill:none;stroke-width:1.4}svg .train{stroke:#3867d6}svg .validation{stroke:#d9730d;stroke-width:2}
svg circle.train{fill:#3867d6;stroke:none}svg circle.validation{fill:#d9730d;stroke:none}
svg .guide{stroke:#8a94a6;stroke-dasharray:5 4}svg .guide.majority{stroke:#b7791f}
.legend span{display:inline-block;margin-right:.9rem;font:12px system-ui,sans-serif}
.legend i{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.3rem;vertical-align:-1px}
pre{background:#f4f5f8;padding:.7rem;overflow-x:auto;font-size:12px}
.health{font-style:italic}
`;

function splitText(split: EvaluationSplit): string {
  const how =
    split.kind === 'list' ? 'test videos from the given test list' : `seeded split (seed ${split.seed}, test fraction ${split.testFraction}), stratified by class`;
  return `${how}: ${split.train} training and ${split.test} test videos, ${split.labels} labels, ${split.unlabelled} unlabelled; ${split.queries.length} test videos scored.`;
}

function renderTable(table: ReportTable): Html {
  const head = table.columns.map((column) => html`<th class="${column.numeric ? 'num' : ''}" scope="col">${column.label}</th>`);
  const rows = table.rows.map(
    (row) => html`<tr class="${row.isRandomInit ? 'baseline' : ''}" data-set-id="${row.setId}">${row.cells.map(
      (cell, i) => html`<td class="${table.columns[i]?.numeric ? 'num' : ''}${cell.muted ? ' muted' : ''}">${cell.text}</td>`,
    )}</tr>`,
  );
  const queries = table.split.queries.map((query) => html`<li>${query.fileName}${query.label === null ? '' : ` (${query.label})`}</li>`);
  return html`<section class="evaluation" data-table="${table.id}">
<h3>${table.title}</h3>
<p>${table.method}</p>
<table data-testid="report-table-${table.id}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
<p class="split">Split: ${splitText(table.split)}</p>
${table.notes.map((note) => html`<p class="notes">${note}</p>`)}
<details><summary>The ${table.split.queries.length} test videos scored</summary><ul>${queries}</ul></details>
</section>`;
}

/** The Train screen's two panels (loss, pretext accuracy with chance) as a static SVG. */
function renderChart(chart: ChartModel, label: string): Html {
  const panels = chart.panels.map(
    (panel) => html`<g data-metric="${panel.metric}">
<text class="title" x="${chart.left}" y="${panel.top - 6}">${panel.title}</text>
${panel.yTicks.map((tick) => html`<line class="grid" x1="${chart.left}" x2="${chart.right}" y1="${tick.at}" y2="${tick.at}"/><text x="${chart.left - 6}" y="${tick.at + 4}" text-anchor="end">${tick.label}</text>`)}
${chart.xTicks.map((tick) => html`<text x="${tick.at}" y="${panel.bottom + 15}" text-anchor="middle">${tick.label}</text>`)}
${panel.guides.map((guide) => html`<line class="guide ${guide.kind}" data-guide="${guide.kind}" x1="${chart.left}" x2="${chart.right}" y1="${guide.at}" y2="${guide.at}"/><text x="${chart.right - 4}" y="${guide.at - 4}" text-anchor="end">${guide.label}</text>`)}
<line class="axis" x1="${chart.left}" x2="${chart.right}" y1="${panel.bottom}" y2="${panel.bottom}"/>
<line class="axis" x1="${chart.left}" x2="${chart.left}" y1="${panel.top}" y2="${panel.bottom}"/>
${panel.lines.map((line) =>
  line.drawn === 0
    ? html``
    : html`<polyline class="line ${line.split}" points="${line.points}"/>${line.marks.map((mark) => html`<circle class="${line.split}" cx="${mark.x}" cy="${mark.y}" r="2"/>`)}`,
)}
</g>`,
  );
  return html`<svg class="chart" role="img" aria-label="${label}" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" height="${chart.height}" xmlns="http://www.w3.org/2000/svg">${panels}${
    chart.empty ? html`<text x="${(chart.left + chart.right) / 2}" y="${chart.height / 4}" text-anchor="middle">No metrics recorded.</text>` : html``
  }</svg>`;
}

function renderRun(run: ReportRun): Html {
  return html`<section class="run" data-run-id="${run.id}">
<h3>${run.title} <span class="meta">(run ${run.id}, ${run.status})</span></h3>
${run.note ? html`<p class="note">${run.note}</p>` : html``}
<p class="health">Health: ${run.health}.</p>
<figure>${renderChart(run.chart, `Loss and pretext accuracy of ${run.title}`)}<figcaption>Loss and pretext accuracy per step (blue: train, orange: validation; dashed: chance and majority class).</figcaption></figure>
<dl class="settings">${run.settings.map(([key, value]) => html`<dt>${key}</dt><dd>${value}</dd>`)}</dl>
</section>`;
}

function renderMap(map: ReportMap): Html {
  const dots = map.dots.map((dot) => html`<circle cx="${dot.x.toFixed(1)}" cy="${dot.y.toFixed(1)}" r="4" fill="${dot.colour}"><title>${dot.title}</title></circle>`);
  const legend = map.legend.map((entry) => html`<span><i style="background:${entry.colour}"></i>${entry.label} (${entry.count})</span>`);
  return html`<figure class="map" data-set-id="${map.setId}">
<svg role="img" aria-label="Embedding map of ${map.title}" viewBox="0 0 ${map.width} ${map.height}" width="${map.width}" height="${map.height}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="#fbfbfd" stroke="#dde"/>${dots}</svg>
<figcaption><b>${map.title}</b>: ${map.projection.toUpperCase()} of unit vectors, ${map.protocol}.<div class="legend">${legend}</div></figcaption>
</figure>`;
}

/** The whole report as an HTML document. */
export function renderReport(model: ReportModel): string {
  const { versions, library } = model;
  const versionRows: [string, string][] = [
    ['Pretext Studio', versions.app],
    ['TensorFlow.js', versions.tfjs],
    ['Compute backend (auto, here)', versions.backend],
    ['ffmpeg', versions.ffmpeg],
    ['Node.js', versions.node],
    ['OS', versions.os],
  ];
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${model.title}</title><style>${new Html(STYLE)}</style></head>
<body>
<h1>${model.title}</h1>
<p class="meta">Generated ${model.generatedAt} · library ${library.path} · ${library.readyVideos} ready videos, ${library.labels} labels</p>
<h2>Evaluation</h2>
<p>Frozen features of each feature set, random initialisation included, on one split of the library’s labelled videos. Feature protocols: <code>vcop-reference</code> follows VCOP’s reference code and can be compared with the papers; <code>compact</code> pools globally and cannot.</p>
${model.tables.length === 0 ? html`<p>No evaluation could be made.</p>` : model.tables.map(renderTable)}
${model.problems.length === 0 ? html`` : html`<ul class="notes" data-testid="report-problems">${model.problems.map((problem) => html`<li>${problem}</li>`)}</ul>`}
<h2>Training runs</h2>
${model.runs.length === 0 ? html`<p>No training runs in this library.</p>` : model.runs.map(renderRun)}
<h2>Embedding maps</h2>
${model.maps.length === 0 ? html`<p>No feature set to map.</p>` : model.maps.map(renderMap)}
<h2>Versions</h2>
<table data-testid="report-versions"><tbody>${versionRows.map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`)}</tbody></table>
<h2>How to reproduce</h2>
<pre>${model.reproduce.join('\n')}</pre>
</body></html>
`;
  return page.text;
}
