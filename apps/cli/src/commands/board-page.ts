/**
 * The board's page: polls `/api/charts` every 2 s and shows the SVGs the server drew with @tensorfold/viz
 * (scalars of every run overlaid, histograms over time) and the runs' texts (hyperparameters, model).
 */
export const BOARD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tensorfold board</title>
<style>
body { font-family: sans-serif; margin: 1rem; }
.grid { display: flex; flex-wrap: wrap; gap: 1rem; }
pre { background: #f4f4f4; padding: .5rem; overflow: auto; max-width: 100%; }
label { margin-right: 1rem; }
</style></head>
<body>
<h1>tensorfold board</h1>
<p><label>Smoothing <input id="smoothing" type="range" min="0" max="0.95" step="0.05" value="0"> <span id="smoothing-value">0</span></label>
<label><input id="log" type="checkbox"> log scale</label> <span id="status">loading</span></p>
<p id="runs"></p>
<h2>Scalars</h2><div id="scalars" class="grid"></div>
<h2>Histograms</h2><div id="histograms" class="grid"></div>
<h2>Text</h2><div id="texts"></div>
<script>
const $ = (id) => document.getElementById(id);
let polls = 0;
function esc(s) { return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]); }
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
    $('texts').innerHTML = data.texts.map((t) => '<h3>' + esc(t.run + ': ' + t.tag) + '</h3><pre>' + esc(t.text) + '</pre>').join('');
    polls++;
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + ' (poll ' + polls + ')';
    document.body.dataset.polls = String(polls);
  } catch (error) {
    $('status').textContent = 'error: ' + error.message;
  }
}
$('smoothing').addEventListener('input', refresh);
$('log').addEventListener('change', refresh);
refresh();
setInterval(refresh, 2000);
</script>
</body></html>
`;
