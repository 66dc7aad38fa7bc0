// The graph webview's page: a strict content security policy (nothing but our own script,
// carrying a fresh nonce, and our own stylesheet), no inline handlers.

import { randomBytes } from 'node:crypto';

export interface GraphPageResources {
  script: string;
  style: string;
  /** The webview's `cspSource`: where its resources may come from. */
  cspSource: string;
}

export function graphHtml(r: GraphPageResources, nonce = randomBytes(18).toString('base64')): string {
  const csp = `default-src 'none'; img-src ${r.cspSource} data:; style-src ${r.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${r.style}">
<title>Deployment graph</title>
</head>
<body>
<header>
  <h1 id="title">Deployment graph</h1>
  <select id="filter" aria-label="Machine"></select>
  <button id="zoom-in" title="Zoom in">+</button>
  <button id="zoom-out" title="Zoom out">−</button>
  <button id="fit" title="Fit the graph to the window">Fit</button>
  <button id="export" title="Save the drawing as SVG">Export SVG</button>
  <span class="legend"><span class="new">new</span><span class="changed">changed</span><span class="removed">removed</span><span class="unchanged">unchanged</span></span>
  <span class="legend live-legend" title="What each service does now, once a deployment or the Disnix Targets view has asked the machines"><span class="running">running</span><span class="changing">changing</span><span class="stopped">stopped</span><span class="failed">failed</span><span class="unknown" title="Installed; its activation module cannot tell whether it runs">unknown</span></span>
  <span class="legend edge-legend" title="An arrow points from a service to the one it needs"><svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4"/></svg> dependsOn <svg width="26" height="8" aria-hidden="true"><line x1="1" y1="4" x2="25" y2="4" stroke-dasharray="5 4"/></svg> connectsTo, → the service needed</span>
  <span id="status"></span>
</header>
<div id="error" role="alert"></div>
<div id="tooltip" role="tooltip" hidden></div>
<svg id="graph" role="img" aria-label="Deployment graph"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs></svg>
<script nonce="${nonce}" src="${r.script}"></script>
</body>
</html>
`;
}
