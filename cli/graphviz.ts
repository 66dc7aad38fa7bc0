// Graphviz (compiled to WebAssembly by @viz-js/viz) laying out DOT as SVG. Its own bundle,
// loaded only by `dnx visualize --svg`, so other commands do not load the 1.5 MB engine.

export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  return (await instance()).renderString(dot, { format: 'svg', engine: 'dot' });
}
