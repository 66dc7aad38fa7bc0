/// <reference lib="dom" />
// The graph webview in headless Chromium, in a page standing in for the editor: the nodes and
// edges of a model, clicks that ask to open a definition, labels that stay text, filtering,
// state kept across reopening, and SVG export.

import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { analyseDeployment } from '../../core/model/analyse';
import { deploymentGraph, type DeploymentGraph } from '../../core/plan/graph';
import { buildManifest } from '../../core/plan/manifest';
import { planTransition } from '../../core/plan/transition';
import type { Manifest } from '../../core/plan/types';
import { hasChromium, launchChromium } from '../browser';
import { ready } from '../helpers';
import { openGraphPage, serveGraphPage, showGraph } from './graph-page';

const hello = join(__dirname, '..', '..', '..', 'examples', 'hello-world');

async function helloManifest(distribution = 'distribution.nix'): Promise<Manifest> {
  await ready;
  return buildManifest(analyseDeployment({ services: join(hello, 'services.nix'), infrastructure: join(hello, 'infrastructure.nix'), distribution: join(hello, distribution) })).manifest!;
}

const helloGraph = async (): Promise<DeploymentGraph> => deploymentGraph(await helloManifest());

describe('graph webview', { skip: !hasChromium && 'chromium is not installed' }, () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    ({ server, url } = await serveGraphPage());
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function fresh(state?: Parameters<typeof openGraphPage>[2]): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await openGraphPage(page, url, state);
    return page;
  }

  it('draws the machines, containers, services and dependency edges of the model', async () => {
    await fresh();
    await showGraph(page, await helloGraph());
    const ids = (sel: string) => page.$$eval(sel, (els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(await ids('g.target'), ['test1', 'test2']);
    assert.deepEqual(await ids('g.container'), ['test1/process', 'test2/process']);
    assert.deepEqual(await ids('g.service'), ['test1/process/HelloService', 'test1/process/HelloWorld', 'test2/process/HelloWorldService']);
    const edges = await page.$$eval('path.edge', (els) => els.map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')} ${e.getAttribute('class')}`).sort());
    assert.deepEqual(edges, ['test1/process/HelloWorld -> test2/process/HelloWorldService edge dependsOn', 'test2/process/HelloWorldService -> test1/process/HelloService edge dependsOn']);
    // Services sit inside their machine's box.
    const inside = await page.evaluate(() => {
      const box = (sel: string) => (document.querySelector(sel)!.querySelector(':scope > rect') as SVGGraphicsElement).getBBox();
      const t = box('g.target[data-id="test2"]');
      const s = box('g.service[data-id="test2/process/HelloWorldService"]');
      return s.x >= t.x && s.y >= t.y && s.x + s.width <= t.x + t.width && s.y + s.height <= t.y + t.height;
    });
    assert.ok(inside);
    assert.deepEqual(errors, [], 'no script errors and no CSP violations');
  });

  it('asks the editor to open a service or machine when it is clicked', async () => {
    await page.click('g.service[data-id="test1/process/HelloWorld"]');
    await page.click('g.target[data-id="test2"] > text');
    const posted = await page.evaluate(() => window.posted.filter((m) => m.type === 'reveal'));
    assert.deepEqual(posted, [{ type: 'reveal', kind: 'service', id: 'test1/process/HelloWorld' }, { type: 'reveal', kind: 'target', id: 'test2' }]);
  });

  it('shows the details on hover, and plan colours', async () => {
    const m = await helloManifest('distribution-loadbalancing.nix');
    const old = await helloManifest();
    await showGraph(page, deploymentGraph(m, { changes: planTransition(m, old).changes, previous: old }));
    assert.deepEqual(await page.$$eval('g.service.new', (els) => els.map((e) => e.getAttribute('data-id'))), ['test2/process/HelloService']);
    assert.equal(await page.$$eval('g.service.changed', (els) => els.length), 2);
    await page.hover('g.service[data-id="test2/process/HelloWorldService"]');
    await page.waitForSelector('#tooltip:not([hidden])');
    assert.match((await page.textContent('#tooltip'))!, /plan: changed \(its dependency HelloService now also runs on test2\)/);
    // Its edges and the services at their ends stand out; the rest fades.
    assert.deepEqual((await page.$$eval('g.service.related', (els) => els.map((e) => e.getAttribute('data-id')))).sort(), ['test1/process/HelloService', 'test1/process/HelloWorld', 'test2/process/HelloService', 'test2/process/HelloWorldService']);
    assert.equal(await page.getAttribute('#graph', 'class'), 'focus');
    await page.mouse.move(1, 799);
    await page.waitForSelector('#tooltip[hidden]', { state: 'attached' });
  });

  it('keeps a label with markup as text', async () => {
    const g = await helloGraph();
    g.services[0].name = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">';
    g.targets[0].name = '<b>bold</b>';
    await showGraph(page, g);
    const labels = await page.$$eval('g.service text.label', (els) => els.map((e) => e.textContent));
    assert.ok(labels.includes(g.services[0].name));
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await page.$$eval('svg script, svg img, svg b', (els) => els.length), 0);
    assert.equal(await page.textContent('g.target[data-id="test1"] > text'), '<b>bold</b> (test1)', 'the name, then the address');
  });

  it('filters by machine, and keeps the filter and zoom when reopened', async () => {
    await showGraph(page, await helloGraph());
    await page.selectOption('#filter', 'test2');
    await page.waitForFunction(() => document.querySelectorAll('g.service').length === 1);
    await page.click('#zoom-in');
    const saved = await page.evaluate(() => window.savedState!);
    assert.equal(saved.filter, 'test2');
    await page.close();
    await fresh(saved);
    await showGraph(page, await helloGraph());
    assert.deepEqual(await page.$$eval('g.service', (els) => els.map((e) => e.getAttribute('data-id'))), ['test2/process/HelloWorldService']);
    assert.equal(await page.inputValue('#filter'), 'test2');
    assert.deepEqual((await page.evaluate(() => window.savedState!)).transform, saved.transform);
  });

  it('takes the view the extension kept from a closed panel, and tells it of changes', async () => {
    await page.close();
    await fresh();
    const kept = { filter: 'test2', transform: { x: 5, y: 6, k: 0.5 } };
    await page.evaluate((state) => window.postMessage({ type: 'restore', state }, '*'), kept);
    await showGraph(page, await helloGraph());
    assert.deepEqual(await page.$$eval('g.service', (els) => els.map((e) => e.getAttribute('data-id'))), ['test2/process/HelloWorldService']);
    assert.equal(await page.getAttribute('svg#graph > g', 'transform'), 'translate(5 6) scale(0.5)');
    await page.click('#zoom-in');
    await page.waitForFunction(() => window.posted.some((m) => m.type === 'state'));
    const told = await page.evaluate(() => window.posted.filter((m) => m.type === 'state').at(-1));
    assert.ok(told?.type === 'state' && told.state.filter === 'test2' && told.state.transform.k === 0.625, JSON.stringify(told));
    // A webview that kept its own state (hidden, not closed) keeps it.
    await page.close();
    await fresh({ filter: '', transform: { x: 1, y: 2, k: 1.5 } });
    await page.evaluate((state) => window.postMessage({ type: 'restore', state }, '*'), kept);
    await showGraph(page, await helloGraph());
    assert.equal(await page.$$eval('g.service', (els) => els.length), 3);
  });

  it('exports the whole drawing as a standalone SVG, whatever the zoom, that a browser shows as an image', async () => {
    const exported = async () => {
      await page.evaluate(() => (window.posted = []));
      await page.click('#export');
      const m = await page.evaluate(() => window.posted.find((m) => m.type === 'export'));
      assert.ok(m && m.type === 'export');
      return m.svg;
    };
    const first = await exported();
    assert.match(first, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<style>[\s\S]*HelloWorldService[\s\S]*<\/svg>$/);
    const [, width, height, viewBox] = /^<svg[^>]* width="(\d+)" height="(\d+)" viewBox="([-\d ]+)"/.exec(first) ?? [];
    assert.ok(Number(width) > 200 && Number(height) > 100, first.slice(0, 200));
    assert.equal(viewBox.split(' ').slice(2).join(' '), `${width} ${height}`);
    assert.doesNotMatch(first, /<g transform=/, 'not the pan and zoom of the panel');
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    assert.equal(await exported(), first, 'zooming changes nothing exported');
    const image = await browser.newPage();
    await image.setContent(`<img src="data:image/svg+xml;base64,${Buffer.from(first).toString('base64')}">`);
    const size = await image.$eval('img', (img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
    assert.deepEqual(size, [Number(width), Number(height)]);
    await image.close();
  });

  it('keeps the machines in their places when the graph is drawn again with a new dependency', async () => {
    const xs = () => page.$$eval('g.target', (els) => els.map((e) => `${e.getAttribute('data-id')}@${e.querySelector('rect')!.getAttribute('x')}`).sort());
    const g = await helloGraph();
    await showGraph(page, g);
    const before = await xs();
    const changed = structuredClone(g);
    changed.edges.push({ from: 'test2/process/HelloWorldService', to: 'test1/process/HelloWorld', kind: 'connectsTo' });
    await showGraph(page, changed);
    await page.waitForFunction(() => document.querySelectorAll('path.edge').length === 3);
    assert.deepEqual(await xs(), before);
  });

  /** Machines with their containers and services, from `machine/container/service` ids. */
  function graphOf(services: string[], edges: [string, string][]): DeploymentGraph {
    const machines = [...new Set(services.map((s) => s.split('/')[0]))];
    const containers = [...new Set(services.map((s) => s.split('/').slice(0, 2).join('/')))];
    return {
      targets: machines.map((t) => ({ id: t, name: t, system: 'x86_64-linux', numOfCores: 1 })),
      containers: containers.map((c) => ({ id: c, name: c.split('/')[1], target: c.split('/')[0] })),
      services: services.map((s) => { const [target, container, name] = s.split('/'); return { id: s, name, type: container, target, container, hash: s, pkg: null }; }),
      edges: edges.map(([from, to]) => ({ from, to, kind: 'dependsOn' as const })),
    };
  }

  /** Every box drawn (by `kind:id`) and every edge's points. */
  async function drawnShapes(count: number) {
    await page.waitForFunction((n) => document.querySelectorAll('path.edge').length === n, count);
    return page.evaluate(() => ({
      boxes: Array.from(document.querySelectorAll('g.target, g.container, g.service')).map((e) => {
        const r = e.querySelector('rect')!;
        return { id: e.getAttribute('data-id')!, rect: ['x', 'y', 'width', 'height'].map((k) => Number(r.getAttribute(k))) };
      }),
      paths: Array.from(document.querySelectorAll('path.edge')).map((e) => ({
        from: e.getAttribute('data-from')!,
        to: e.getAttribute('data-to')!,
        // Its pieces join end to start: one polyline.
        points: e.getAttribute('d')!.split('M').slice(1).flatMap((piece, k) => piece.split(' L').slice(k ? 1 : 0).map((p) => p.split(',').map(Number))),
      })),
    }));
  }

  it('brings the edges into a service on its left side and out of it on its right, so they do not meet', async () => {
    await showGraph(page, await helloGraph());
    const { boxes, paths } = await drawnShapes(2);
    // HelloWorldService on test2: the edge from HelloWorld comes in, the one to HelloService goes out.
    const [x, , width] = boxes.find((b) => b.id === 'test2/process/HelloWorldService')!.rect;
    assert.equal(paths.find((p) => p.to === 'test2/process/HelloWorldService')!.points.at(-1)![0], x);
    assert.equal(paths.find((p) => p.from === 'test2/process/HelloWorldService')!.points[0][0], x + width);
  });

  it('routes every edge at right angles around the boxes it does not start or end in, inside machines too', async () => {
    // a -> b -> c in three columns, a -> c past b, and services beside and between the ends.
    const services = ['a/process/web', 'a/process/cache', 'a/wrapper/api', 'b/process/auth', 'b/process/queue', 'b/process/mail', 'b/wrapper/store', 'c/process/db', 'c/wrapper/files'];
    const edges: [string, string][] = [
      ['a/process/web', 'b/process/auth'], ['a/process/web', 'c/process/db'], ['a/process/cache', 'b/process/mail'], ['a/wrapper/api', 'c/wrapper/files'],
      ['b/process/queue', 'c/process/db'], ['b/process/auth', 'b/process/queue'], ['b/process/mail', 'b/wrapper/store'], ['a/process/web', 'a/wrapper/api'], ['b/wrapper/store', 'c/wrapper/files'],
    ];
    await showGraph(page, graphOf(services, edges));
    const drawn = await drawnShapes(edges.length);
    const box = (id: string) => drawn.boxes.find((b) => b.id === id)!.rect;
    const inside = ([x, y]: number[], [bx, by, w, h]: number[]) => x >= bx - 0.5 && x <= bx + w + 0.5 && y >= by - 0.5 && y <= by + h + 0.5;
    for (const { from, to, points } of drawn.paths) {
      // Its own services, and the containers and machines holding them.
      const ends = new Set([from, to].flatMap((s) => [s, s.split('/').slice(0, 2).join('/'), s.split('/')[0]]));
      assert.ok(inside(points[0], box(from)) && inside(points.at(-1)!, box(to)), `${from} -> ${to}: from one service to the other`);
      for (let i = 1; i < points.length; i++) {
        const [[x1, y1], [x2, y2]] = [points[i - 1], points[i]];
        assert.ok(Math.abs(x1 - x2) < 0.01 || Math.abs(y1 - y2) < 0.01, `${from} -> ${to}: at right angles`);
        for (const { id, rect: [x, y, w, h] } of drawn.boxes) {
          if (ends.has(id)) continue;
          const crosses = Math.max(x1, x2) > x && Math.min(x1, x2) < x + w && Math.max(y1, y2) > y && Math.min(y1, y2) < y + h;
          assert.ok(!crosses, `${from} -> ${to} crosses ${id}`);
        }
      }
    }
  });

  it('labels the container of a service whose type is not known', async () => {
    // A service made by a constructor from a checkout not on this machine: its type, so its container, is not known.
    await showGraph(page, graphOf(['a/process/status', 'b//proxy'], [['a/process/status', 'b//proxy']]));
    await page.waitForFunction(() => document.querySelectorAll('g.container').length === 2);
    assert.deepEqual(await page.$$eval('g.container .container-label', (els) => els.map((e) => e.textContent)).then((l) => l.sort()), ['container not known', 'process']);
  });

  it('says what a view of one machine leaves out', async () => {
    await showGraph(page, await helloGraph());
    await page.selectOption('#filter', 'test2');
    await page.waitForFunction(() => document.querySelectorAll('g.service').length === 1);
    assert.match((await page.textContent('#status'))!, /showing test2 only: hidden 2 services on other machines and 2 edges to them/);
    await page.selectOption('#filter', '');
  });

  it('wraps the toolbar at half width instead of cutting it off', async () => {
    await page.setViewportSize({ width: 600, height: 800 });
    const header = await page.$eval('header', (h) => ({ scroll: h.scrollWidth, width: h.clientWidth, right: Math.max(...Array.from(h.children).map((c) => c.getBoundingClientRect().right)) }));
    assert.ok(header.scroll <= header.width && header.right <= 600, JSON.stringify(header));
    await page.setViewportSize({ width: 1200, height: 800 });
  });

  it('fits the drawing with margins, and again when the panel is resized, until the user zooms', async () => {
    await showGraph(page, await helloGraph());
    await page.click('#fit');
    const inside = () => page.evaluate(() => {
      const box = document.querySelector('#graph > g')!.getBoundingClientRect();
      const area = document.querySelector('#graph')!.getBoundingClientRect();
      return [box.left - area.left, area.right - box.right, box.top - area.top, area.bottom - box.bottom].map(Math.round);
    });
    assert.ok((await inside()).every((m) => m >= 23), String(await inside()));
    await page.setViewportSize({ width: 700, height: 500 });
    await page.waitForFunction(() => document.querySelector('#graph > g')!.getBoundingClientRect().right <= document.querySelector('#graph')!.getBoundingClientRect().right);
    assert.ok((await inside()).every((m) => m >= 23), String(await inside()));
    await page.setViewportSize({ width: 1200, height: 800 });
  });

  it('draws the edges of a large network together, with an arrowhead at the end of each', async () => {
    // Two machines of 40 services, every service of the first depending on every one of the second: 1,600 edges.
    const targets = ['a', 'b'].map((id) => ({ id, name: id, system: 'x86_64-linux', numOfCores: 1 }));
    const services = targets.flatMap((t) => Array.from({ length: 40 }, (_, i) => ({ id: `${t.id}/process/s${i}`, name: `s${i}`, type: 'process', target: t.id, container: 'process', hash: `${t.id}${i}`, pkg: null })));
    const edges = services.filter((x) => x.target === 'a').flatMap((from) => services.filter((x) => x.target === 'b').map((to) => ({ from: from.id, to: to.id, kind: from.name === 's0' ? ('connectsTo' as const) : ('dependsOn' as const) })));
    await fresh();
    await showGraph(page, { targets, containers: targets.map((t) => ({ id: `${t.id}/process`, name: 'process', target: t.id })), services, edges });
    const drawn = await page.$$eval('g.edges > path', (els) => els.map((e) => ({ cls: e.getAttribute('class'), subpaths: (e.getAttribute('d') ?? '').split('M').length - 1 })));
    // Per kind, each edge's stretch between the machines, and each service's leg inside its machine once.
    assert.deepEqual(drawn, [
      { cls: 'edge connectsTo', subpaths: 1 + 40 + 40 },
      { cls: 'edge dependsOn', subpaths: 39 + 1560 + 40 },
      { cls: 'arrowheads', subpaths: 1600 },
    ]);
    assert.equal(await page.$$eval('g.service', (els) => els.length), 80);
    assert.deepEqual(errors, []);
  });
});
