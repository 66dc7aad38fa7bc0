// The deployment graph webview: draws the laid-out graph as SVG built with DOM calls (every
// label is text, never markup), and talks to the extension only through typed messages.
// Click a service or machine to open its definition; hover for details; wheel to zoom, drag
// to pan, "Fit" to see everything; filter by machine; export the drawing as SVG. A dot on each
// service shows what it is doing now (running, changing, stopped, failed) once that is known.

import { layout } from './layout';
import type { DeploymentGraph, GraphService, GraphTarget, HostMessage, LiveState, LiveStates, ViewMessage, ViewState } from './messages';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): ViewState | undefined;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';
const kept = vscode.getState();
let state: ViewState = kept ?? { filter: '', transform: { x: 0, y: 0, k: 1 } };
let telling: ReturnType<typeof setTimeout> | undefined;
let graph: DeploymentGraph | undefined;
let drawn = 0;
let live: LiveStates = { states: {}, details: {}, known: [] };
/** The services of the graph drawn last, by id. */
let drawnServices = new Map<string, GraphService>();

const svg = document.getElementById('graph') as unknown as SVGSVGElement;
const viewport = document.createElementNS(SVG_NS, 'g');
svg.appendChild(viewport);
const filter = document.getElementById('filter') as HTMLSelectElement;
const status = document.getElementById('status')!;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

function text(content: string, x: number, y: number, cls: string, parent: Element): void {
  el('text', { x, y, class: cls }, parent).textContent = content;
}

const tooltip = document.getElementById('tooltip')!;

/** The details panel beside the pointer (text only), kept inside the window. */
function showTooltip(content: string, e: PointerEvent): void {
  tooltip.textContent = content;
  tooltip.hidden = false;
  const { innerWidth, innerHeight } = window;
  const { width, height } = tooltip.getBoundingClientRect();
  tooltip.style.left = `${Math.min(e.clientX + 14, innerWidth - width - 4)}px`;
  tooltip.style.top = `${Math.min(e.clientY + 14, innerHeight - height - 4)}px`;
}

function applyTransform(): void {
  const { x, y, k } = state.transform;
  viewport.setAttribute('transform', `translate(${x} ${y}) scale(${k})`);
  vscode.setState(state);
  // The extension keeps the view for a panel opened after this one is closed; once a drag or
  // a zoom settles, not at every step.
  clearTimeout(telling);
  telling = setTimeout(() => vscode.postMessage({ type: 'state', state }), 300);
}

async function draw(): Promise<void> {
  if (!graph) return;
  const g = graph;
  const ticket = ++drawn;
  const drawing = await layout(g, state.filter);
  if (ticket !== drawn) return; // a newer graph arrived while this one was laid out
  viewport.replaceChildren();
  const targets = new Map(g.targets.map((t) => [t.id, t]));
  const containers = new Map(g.containers.map((c) => [c.id, c]));
  const services = new Map(g.services.map((s) => [s.id, s]));
  drawnServices = services;
  details = (item) => describe(item, targets, services);
  hidden = hiddenBy(g, state.filter);

  for (const { kind, id, x, y, width, height } of drawing.boxes) {
    const group = el('g', { class: `node ${kind}`, 'data-id': id }, viewport);
    el('rect', { x, y, width, height, rx: kind === 'service' ? 6 : 4, class: 'box' }, group);
    if (kind === 'target') {
      const t = targets.get(id)!;
      text(t.address && t.address !== t.name ? `${t.name} (${t.address})` : t.name, x + 10, y + 18, 'label target-label', group);
    } else if (kind === 'container') {
      const c = containers.get(id)!;
      // A service whose type is not known (made by a constructor not on this machine) has no container name.
      const name = c.name || 'container not known';
      text(c.providedBy ? `${name} (by ${c.providedBy})` : name, x + 10, y + 18, 'label container-label', group);
    } else {
      const s = services.get(id)!;
      if (s.status) group.classList.add(s.status);
      text(s.name, x + 12, y + 21, 'label', group);
      el('circle', { cx: x + width - 9, cy: y + 9, r: 4, class: 'live' }, group);
    }
  }
  showLive();
  // Edges above the boxes: one element each, or, in a large network, one per kind with the
  // arrowheads in one more (thousands of elements made the browser's redrawing most of a redraw).
  const edges = el('g', { class: 'edges' }, viewport);
  if (drawing.routes.length <= EDGES_ONE_BY_ONE) {
    for (const { edge, pieces } of drawing.routes) el('path', { d: pieces.join(' '), class: `edge ${edge.kind}`, 'marker-end': 'url(#arrow)', 'data-from': edge.from, 'data-to': edge.to }, edges);
  } else {
    // A set of pieces per kind: the legs that edges share inside machines are drawn once.
    const byKind = new Map<string, Set<string>>();
    for (const { edge, pieces } of drawing.routes) {
      const drawnPieces = byKind.get(edge.kind) ?? new Set();
      byKind.set(edge.kind, drawnPieces);
      for (const piece of pieces) drawnPieces.add(piece);
    }
    for (const [kind, pieces] of byKind) el('path', { d: [...pieces].join(' '), class: `edge ${kind}` }, edges);
    el('path', { d: drawing.routes.map(({ end }) => arrowhead(end)).join(' '), class: 'arrowheads' }, edges);
  }
  document.body.dataset.rendered = String(ticket);
}

/** Above this many edges, edges are drawn together (no tooltip per edge; a service's tooltip still names what it is). */
const EDGES_ONE_BY_ONE = 1500;
const ARROW = 7;

/** A filled arrowhead at `end`, pointing its way, as the `#arrow` marker draws one. */
function arrowhead({ x, y, dx, dy }: { x: number; y: number; dx: number; dy: number }): string {
  const bx = x - dx * ARROW;
  const by = y - dy * ARROW;
  const f = (n: number) => n.toFixed(1);
  return `M${f(x)},${f(y)}L${f(bx - dy * ARROW / 2)},${f(by + dx * ARROW / 2)}L${f(bx + dy * ARROW / 2)},${f(by - dx * ARROW / 2)}z`;
}

function liveStateOf(s: GraphService): LiveState | undefined {
  return live.states[s.id] ?? (live.known.includes(s.target) ? 'stopped' : undefined);
}

/** Marks each drawn service with its live state; redone on every change, without a new layout. */
function showLive(): void {
  for (const group of Array.from(viewport.querySelectorAll('g.service'))) {
    const s = drawnServices.get(group.getAttribute('data-id') ?? '');
    const now = s && liveStateOf(s);
    if (now) group.setAttribute('data-live', now);
    else group.removeAttribute('data-live');
  }
  const running = [...drawnServices.values()].filter((s) => liveStateOf(s) === 'running').length;
  const known = [...drawnServices.values()].some((s) => liveStateOf(s));
  status.textContent = `${drawnServices.size} services on ${graph?.targets.length ?? 0} machines${known ? `, ${running} running` : ''}${hidden}`;
}

/** What showing one machine leaves out, in words; nothing when all are shown. */
let hidden = '';

function hiddenBy(g: DeploymentGraph, target: string): string {
  if (!target) return '';
  const on = new Set(g.services.filter((s) => s.target === target).map((s) => s.id));
  const across = g.edges.filter((e) => on.has(e.from) !== on.has(e.to)).length;
  const others = g.services.length - on.size;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return ` · showing ${target} only: hidden ${count(others, 'service')} on other machines and ${count(across, 'edge')} to them`;
}

/** The details of what is under the pointer, for the current graph. */
let details: (item: Element) => string | undefined = () => undefined;

function describe(item: Element, targets: Map<string, GraphTarget>, services: Map<string, GraphService>): string | undefined {
  if (item.tagName === 'path' && !item.hasAttribute('data-from')) return undefined;
  if (item.tagName === 'path') return `${item.getAttribute('data-from')} ${item.classList.contains('connectsTo') ? 'connectsTo' : 'dependsOn'} ${item.getAttribute('data-to')}`;
  const id = item.getAttribute('data-id') ?? '';
  const t = item.classList.contains('target') ? targets.get(id) : undefined;
  if (t) return `${t.name}\nsystem: ${t.system}\ncores: ${t.numOfCores}${t.address ? `\naddress: ${t.address}` : ''}`;
  const s = item.classList.contains('service') ? services.get(id) : undefined;
  if (!s) return undefined;
  const lines = [`${s.name} on ${s.target}`, `type: ${s.type}`, `container: ${s.container}`, `build: ${s.pkg ?? 'known after building'}`];
  if (s.status) lines.push(`plan: ${s.status}${s.reasons?.length ? ` (${s.reasons.join('; ')})` : ''}`);
  const now = liveStateOf(s);
  if (now) lines.push(`now: ${now === 'unknown' ? 'installed (its module cannot tell whether it runs)' : now}${live.details[s.id] ? ` (${live.details[s.id]})` : ''}`);
  return lines.join('\n');
}

// One listener each for the whole drawing, not one per node: a large graph redraws faster.
viewport.addEventListener('pointermove', (e) => {
  const item = (e.target as Element).closest('g.service, g.target, path.edge');
  const tip = item && details(item);
  if (tip) showTooltip(tip, e);
  else tooltip.hidden = true;
  highlight(item?.matches('g.service') ? item.getAttribute('data-id') : null);
});
viewport.addEventListener('pointerleave', () => {
  tooltip.hidden = true;
  highlight(null);
});

let highlighted: string | null = null;

/** Hovering a service brings out its edges and the services at their other ends; the rest fades. */
function highlight(id: string | null): void {
  if (id === highlighted) return;
  highlighted = id;
  for (const e of Array.from(viewport.querySelectorAll('.related'))) e.classList.remove('related');
  svg.classList.toggle('focus', id !== null);
  if (id === null || !graph) return;
  const near = new Set([id]);
  for (const edge of graph.edges) if (edge.from === id || edge.to === id) near.add(edge.from).add(edge.to);
  for (const g of Array.from(viewport.querySelectorAll('g.service'))) if (near.has(g.getAttribute('data-id') ?? '')) g.classList.add('related');
  for (const p of Array.from(viewport.querySelectorAll('path.edge[data-from]'))) if (p.getAttribute('data-from') === id || p.getAttribute('data-to') === id) p.classList.add('related');
}
viewport.addEventListener('click', (e) => {
  const item = (e.target as Element).closest('g.target, g.service');
  const id = item?.getAttribute('data-id');
  if (item && id) vscode.postMessage({ type: 'reveal', kind: item.classList.contains('service') ? 'service' : 'target', id });
});

function failed(error: unknown): void {
  document.getElementById('error')!.textContent = `The graph could not be laid out: ${error instanceof Error ? error.message : String(error)}`;
}

/** Room left around the drawing when it is fitted, in pixels. */
const FIT_MARGIN = 24;
/** Whether the view is the fitted one (not zoomed or panned since): it is fitted again when the panel is resized. */
let fitted = false;

function fit(): void {
  const box = viewport.getBBox();
  const { width, height } = svg.getBoundingClientRect();
  if (!box.width || !box.height) return;
  const k = Math.min(2, Math.max(0.05, Math.min((width - 2 * FIT_MARGIN) / box.width, (height - 2 * FIT_MARGIN) / box.height)));
  state.transform = { k, x: (width - box.width * k) / 2 - box.x * k, y: (height - box.height * k) / 2 - box.y * k };
  applyTransform();
  fitted = true;
}

new ResizeObserver(() => fitted && fit()).observe(svg);

function fillFilter(g: DeploymentGraph): void {
  const options = [['', 'All machines'], ...g.targets.map((t) => [t.id, t.name])];
  filter.replaceChildren(...options.map(([value, label]) => Object.assign(document.createElement('option'), { value, textContent: label })));
  if (!g.targets.some((t) => t.id === state.filter)) state.filter = '';
  filter.value = state.filter;
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  if (m.type === 'graph') {
    const first = !graph;
    graph = m.graph;
    document.getElementById('title')!.textContent = m.title;
    document.getElementById('error')!.textContent = '';
    fillFilter(m.graph);
    void draw().then(() => {
      if (first && state.transform.k === 1 && state.transform.x === 0 && state.transform.y === 0) fit();
      else applyTransform();
    }, failed);
  } else if (m.type === 'restore') {
    // This webview's own state, kept while the panel was hidden, wins.
    if (!kept && !graph) state = m.state;
  } else if (m.type === 'error') {
    document.getElementById('error')!.textContent = m.message;
  } else if (m.type === 'live') {
    live = m.live;
    showLive();
  }
});

filter.addEventListener('change', () => {
  state.filter = filter.value;
  void draw().then(fit, failed);
});
document.getElementById('fit')!.addEventListener('click', fit);
document.getElementById('zoom-in')!.addEventListener('click', () => zoom(1.25));
document.getElementById('zoom-out')!.addEventListener('click', () => zoom(0.8));
/** The whole drawing as a file of its own: its size and viewBox those of everything drawn, whatever the zoom and pan. */
document.getElementById('export')!.addEventListener('click', () => {
  const box = viewport.getBBox();
  const m = FIT_MARGIN;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.removeAttribute('id');
  copy.removeAttribute('class');
  copy.querySelector(':scope > g')?.removeAttribute('transform');
  for (const e of Array.from(copy.querySelectorAll('.related'))) e.classList.remove('related');
  const [x, y, width, height] = [box.x - m, box.y - m, box.width + 2 * m, box.height + 2 * m].map((n) => Math.round(n));
  Object.entries({ xmlns: SVG_NS, width, height, viewBox: `${x} ${y} ${width} ${height}` }).forEach(([k, v]) => copy.setAttribute(k, String(v)));
  const style = document.createElementNS(SVG_NS, 'style');
  style.textContent = EXPORT_STYLE;
  copy.insertBefore(style, copy.firstChild);
  vscode.postMessage({ type: 'export', svg: new XMLSerializer().serializeToString(copy) });
});

function zoom(factor: number, cx = svg.clientWidth / 2, cy = svg.clientHeight / 2): void {
  fitted = false;
  const t = state.transform;
  const k = Math.min(8, Math.max(0.05, t.k * factor));
  state.transform = { k, x: cx - ((cx - t.x) * k) / t.k, y: cy - ((cy - t.y) * k) / t.k };
  applyTransform();
}

svg.addEventListener('wheel', (e) => {
  e.preventDefault();
  zoom(e.deltaY < 0 ? 1.1 : 0.9, e.offsetX, e.offsetY);
}, { passive: false });
let drag: { x: number; y: number } | undefined;
svg.addEventListener('pointerdown', (e) => {
  if ((e.target as Element).closest('.service')) return;
  drag = { x: e.clientX - state.transform.x, y: e.clientY - state.transform.y };
});
window.addEventListener('pointermove', (e) => {
  if (!drag) return;
  fitted = false;
  state.transform = { ...state.transform, x: e.clientX - drag.x, y: e.clientY - drag.y };
  applyTransform();
});
window.addEventListener('pointerup', () => (drag = undefined));

/** The colours of the exported drawing, which has no stylesheet of the editor's. */
const EXPORT_STYLE = `svg{background:#fff}.box{fill:#fff;stroke:#888}.target>.box{fill:#f4f4f4}.container>.box{fill:#fafafa;stroke-dasharray:4 3}
.service.new>.box{fill:#c8e6c9}.service.changed>.box{fill:#fff3c4}.service.removed>.box{fill:#ffcdd2;stroke-dasharray:4 3}
.label{font:12px sans-serif}.edge{fill:none;stroke:#555}.edge.connectsTo{stroke-dasharray:5 4}
.live{display:none}[data-live]>.live{display:inline;stroke:#fff}[data-live=running]>.live{fill:#2e7d32}[data-live=activating]>.live,[data-live=deactivating]>.live{fill:#f9a825}
[data-live=stopped]>.live{fill:#9e9e9e}[data-live=failed]>.live{fill:#c62828}[data-live=unknown]>.live{fill:#fff;stroke:#757575}`;

vscode.postMessage({ type: 'ready' });
