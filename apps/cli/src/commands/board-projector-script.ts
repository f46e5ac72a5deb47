/**
 * The board page's projector (browser JavaScript, inlined in the page): keeps the list of logged
 * embeddings in the two selects, fetches the chosen one's projection when its key (run, name, step)
 * changes, and draws the 3-D view as SVG: the points rotated by yaw (about the vertical axis) then pitch
 * (about the horizontal one), shown orthographically, farther points first and smaller. Yaw 0 and pitch 0
 * show PC1 across and PC2 up, as the 2-D view does. The rotation survives the page's polls.
 */
export const PROJECTOR_SCRIPT = `
const projector = (() => {
  let list = [];
  let shownKey = '';
  let data = null;
  const view = { yaw: 30, pitch: 20 };
  const key = (e, step) => e.run + '\\u0000' + e.name + '\\u0000' + step;
  function fillSelects(embeddings) {
    const chosen = list[Number($('embedding').value)];
    const chosenKey = chosen ? chosen.run + '\\u0000' + chosen.name : '';
    list = embeddings;
    const options = list.map((e, i) => '<option value="' + i + '">' + esc(e.run + ': ' + e.name) + '</option>').join('');
    if ($('embedding').innerHTML !== options) {
      $('embedding').innerHTML = options;
      const again = list.findIndex((e) => e.run + '\\u0000' + e.name === chosenKey);
      $('embedding').value = String(Math.max(0, again));
    }
    const e = list[Number($('embedding').value)];
    const step = $('step').value;
    const steps = '<option value="">latest</option>' + e.steps.map((s) => '<option value="' + s + '">' + s + '</option>').join('');
    if ($('step').innerHTML !== steps) {
      $('step').innerHTML = steps;
      $('step').value = e.steps.includes(Number(step)) && step !== '' ? step : '';
    }
    return e;
  }
  async function update(embeddings) {
    $('projector-empty').hidden = embeddings.length > 0;
    $('projector-view').hidden = embeddings.length === 0;
    if (embeddings.length === 0) return;
    const e = fillSelects(embeddings);
    const step = $('step').value === '' ? e.steps[e.steps.length - 1] : Number($('step').value);
    if (key(e, step) === shownKey) return;
    const response = await fetch('/api/projector?run=' + encodeURIComponent(e.run) + '&name=' + encodeURIComponent(e.name) + '&step=' + step);
    if (!response.ok) throw new Error('projector: ' + (await response.text()));
    data = await response.json();
    shownKey = key(e, step);
    const pct = (s) => (100 * s).toFixed(1) + '%';
    $('projector-caption').textContent = data.run + ': ' + data.name + ', step ' + data.step + ': ' + data.n + ' points of ' + data.d + ' values; PC1 ' + pct(data.explained[0]) + ', PC2 ' + pct(data.explained[1]) + ', PC3 ' + pct(data.explained[2]) + ' of the variance' + (data.note ? ' (' + data.note + ')' : '');
    $('legend').innerHTML = data.classes.map((c) => '<span><i style="background:' + c.color + '"></i>' + esc(c.name) + '</span>').join('');
    $('projector-2d').innerHTML = data.svg2d;
    draw();
  }
  function draw() {
    if (!data) return;
    const svg = $('projector-3d');
    const radius = Math.max(1e-12, ...data.points.map((p) => Math.hypot(p[0], p[1], p[2])));
    const scale = 165 / radius;
    const yaw = (view.yaw * Math.PI) / 180;
    const pitch = (view.pitch * Math.PI) / 180;
    const turn = (x, y, z) => {
      const x1 = x * Math.cos(yaw) + z * Math.sin(yaw);
      const z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
      return [x1, y * Math.cos(pitch) - z1 * Math.sin(pitch), y * Math.sin(pitch) + z1 * Math.cos(pitch)];
    };
    const axes = ['PC1', 'PC2', 'PC3'].map((name, k) => {
      const end = turn(k === 0 ? radius : 0, k === 1 ? radius : 0, k === 2 ? radius : 0);
      const x = 240 + scale * end[0];
      const y = 190 - scale * end[1];
      return '<line class="axis" x1="240" y1="190" x2="' + x.toFixed(1) + '" y2="' + y.toFixed(1) + '" stroke="#999"/><text x="' + x.toFixed(1) + '" y="' + y.toFixed(1) + '" font-size="11" fill="#555">' + name + '</text>';
    });
    const shown = data.points.map((p, i) => {
      const q = turn(p[0], p[1], p[2]);
      return { i, x: 240 + scale * q[0], y: 190 - scale * q[1], depth: q[2] / radius };
    });
    shown.sort((a, b) => a.depth - b.depth);
    const dots = shown.map((s) => {
      const c = data.classOf[s.i];
      const colour = c >= 0 ? data.classes[c].color : '#4e79a7';
      const title = data.labels ? '<title>' + esc(data.labels[s.i]) + '</title>' : '';
      return '<circle class="point" data-index="' + s.i + '" cx="' + s.x.toFixed(2) + '" cy="' + s.y.toFixed(2) + '" r="' + (3 + 1.2 * s.depth).toFixed(2) + '" fill="' + colour + '" fill-opacity="' + (0.6 + 0.3 * s.depth).toFixed(2) + '">' + title + '</circle>';
    });
    svg.innerHTML = axes.join('') + dots.join('');
    svg.dataset.yaw = String(view.yaw);
    svg.dataset.pitch = String(view.pitch);
  }
  function turnBy(dYaw, dPitch) {
    view.yaw = ((view.yaw + dYaw + 540) % 360) - 180;
    view.pitch = Math.max(-90, Math.min(90, view.pitch + dPitch));
    $('yaw').value = String(Math.round(view.yaw));
    $('pitch').value = String(Math.round(view.pitch));
    draw();
  }
  $('yaw').addEventListener('input', () => { view.yaw = Number($('yaw').value); draw(); });
  $('pitch').addEventListener('input', () => { view.pitch = Number($('pitch').value); draw(); });
  $('embedding').addEventListener('change', () => { $('step').innerHTML = ''; update(list); });
  $('step').addEventListener('change', () => update(list));
  let drag = null;
  $('projector-3d').addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, y: event.clientY };
    $('projector-3d').setPointerCapture(event.pointerId);
  });
  $('projector-3d').addEventListener('pointermove', (event) => {
    if (!drag) return;
    turnBy((event.clientX - drag.x) * 0.5, (event.clientY - drag.y) * 0.5);
    drag = { x: event.clientX, y: event.clientY };
  });
  $('projector-3d').addEventListener('pointerup', () => { drag = null; });
  return { update };
})();
`;
