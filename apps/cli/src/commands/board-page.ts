/**
 * The board's page: polls `/api/charts` every 2 s and shows the SVGs the server drew with @tensorfold/viz
 * (scalars of every run overlaid, histograms over time, each run's model diagram) and the runs' texts;
 * its projector fetches `/api/projector` when the chosen embedding or its latest step changes and draws
 * the 2-D view (viz's scatter) and a 3-D view it rotates itself (drag, or the yaw and pitch sliders).
 */
import { PROJECTOR_SCRIPT } from './board-projector-script.js';

export const BOARD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tensorfold board</title><link rel="icon" href="data:,">
<style>
body { font-family: sans-serif; margin: 1rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1rem; }
pre { background: #f4f4f4; padding: .5rem; overflow: auto; max-width: 100%; }
label { margin-right: 1rem; }
#projector-3d { border: 1px solid #ccc; cursor: grab; touch-action: none; background: #fff; }
#legend span { display: inline-block; margin-right: .8rem; }
#legend i { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin-right: .25rem; vertical-align: middle; }
</style></head>
<body>
<main>
<h1>tensorfold board</h1>
<p><label>Smoothing <input id="smoothing" type="range" min="0" max="0.95" step="0.05" value="0"> <span id="smoothing-value">0</span></label>
<label><input id="log" type="checkbox"> log scale</label> <span id="status">loading</span></p>
<p id="runs"></p>
<h2>Scalars</h2><div id="scalars" class="grid"></div>
<h2>Histograms</h2><div id="histograms" class="grid"></div>
<h2>Model</h2><div id="diagrams" class="grid"></div>
<h2>Projector</h2>
<div id="projector">
<p id="projector-empty">No embeddings logged (runLogger's <code>embeddings</code> option, or <code>train --logdir</code>).</p>
<div id="projector-view" hidden>
<p><label>Embedding <select id="embedding"></select></label>
<label>Step <select id="step"></select></label></p>
<p id="projector-caption"></p>
<p id="legend"></p>
<div class="grid">
<figure id="projector-2d"></figure>
<figure><svg id="projector-3d" role="img" aria-label="3-D view of the first three principal components; drag to rotate" width="480" height="380" viewBox="0 0 480 380"></svg>
<figcaption><label>Yaw <input id="yaw" type="range" min="-180" max="180" step="1" value="30"></label>
<label>Pitch <input id="pitch" type="range" min="-90" max="90" step="1" value="20"></label></figcaption></figure>
</div>
</div>
</div>
<h2>Text</h2><div id="texts"></div>
</main>
<script>
const $ = (id) => document.getElementById(id);
let polls = 0;
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]); }
let diagramsShown = '';
async function refresh() {
  const smoothing = $('smoothing').value;
  $('smoothing-value').textContent = smoothing;
  try {
    const response = await fetch('/api/charts?smoothing=' + smoothing + '&log=' + ($('log').checked ? 1 : 0));
    if (!response.ok) throw new Error(await response.text());
    const data = await response.json();
    $('runs').textContent = 'Runs: ' + (data.runs.join(', ') || 'none yet');
    $('scalars').innerHTML = data.scalars.map((c) => '<figure data-tag="' + esc(c.tag) + '">' + c.svg + '</figure>').join('');
    $('histograms').innerHTML = data.histograms.map((c) => '<figure data-tag="' + esc(c.run + ':' + c.tag) + '">' + c.svg + '</figure>').join('');
    const diagrams = data.diagrams.map((d) => '<figure data-run="' + esc(d.run) + '"><figcaption>' + esc(d.run) + '</figcaption>' + d.svg + '</figure>').join('');
    if (diagrams !== diagramsShown) {
      $('diagrams').innerHTML = diagrams || '<p>No model graph logged.</p>';
      diagramsShown = diagrams;
    }
    $('texts').innerHTML = data.texts.map((t) => '<h3>' + esc(t.run + ': ' + t.tag) + '</h3><pre>' + esc(t.text) + '</pre>').join('');
    await projector.update(data.embeddings);
    polls++;
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + ' (poll ' + polls + ')';
    document.body.dataset.polls = String(polls);
  } catch (error) {
    $('status').textContent = 'error: ' + error.message;
  }
}
${PROJECTOR_SCRIPT}
$('smoothing').addEventListener('input', refresh);
$('log').addEventListener('change', refresh);
refresh();
setInterval(refresh, 2000);
</script>
</body></html>
`;
