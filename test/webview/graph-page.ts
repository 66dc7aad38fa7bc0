/// <reference lib="dom" />
// The graph webview's bundle in a standalone page that stands in for the editor: the same
// HTML and content security policy the extension serves, and an `acquireVsCodeApi` that
// records what the page posts and keeps its state. Used by the webview tests and bench:plan.

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { graphHtml } from '../../client/graph-html';
import type { DeploymentGraph } from '../../core/plan/graph';
import type { ViewMessage, ViewState } from '../../webview/messages';

const dist = join(__dirname, '..', '..', '..', 'dist', 'webview');

export async function serveGraphPage(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const files: Record<string, [string, () => string | Buffer]> = {
      '/': ['text/html', () => graphHtml({ script: `${origin}/graph.js`, style: `${origin}/graph.css`, cspSource: origin })],
      '/graph.js': ['text/javascript', () => readFileSync(join(dist, 'graph.js'))],
      '/graph.css': ['text/css', () => readFileSync(join(dist, 'graph.css'))],
    };
    const f = files[req.url ?? ''];
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[0] }).end(f[1]());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

declare global {
  interface Window {
    posted: ViewMessage[];
    savedState?: ViewState;
  }
}

/** Opens the page with `state` as what the editor kept from before. */
export async function openGraphPage(page: Page, url: string, state?: ViewState): Promise<void> {
  await page.addInitScript((saved) => {
    window.posted = [];
    window.savedState = saved ?? undefined;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: ViewMessage) => window.posted.push(m),
      getState: () => window.savedState,
      setState: (s: ViewState) => (window.savedState = s),
    });
  }, state ?? null);
  await page.goto(url);
}

/**
 * Sends the graph as the extension does and waits until it is drawn and painted. Returns the
 * milliseconds that took, measured in the page (the graph goes over as JSON text, so the test
 * harness's own argument encoding is not counted).
 */
export async function showGraph(page: Page, graph: DeploymentGraph, timeout = 30_000): Promise<number> {
  return page.evaluate(
    async ({ json, timeout }) => {
      const drawn = () => Number(document.body.dataset.rendered ?? 0);
      const before = drawn();
      const message = { type: 'graph', graph: JSON.parse(json) as unknown, title: 'test' };
      const started = performance.now();
      window.postMessage(message, '*');
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (drawn() > before) resolve();
          else if (performance.now() - started > timeout) reject(new Error(`the graph was not drawn within ${timeout} ms`));
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((painted) => requestAnimationFrame(painted));
      return performance.now() - started;
    },
    { json: JSON.stringify(graph), timeout },
  );
}
