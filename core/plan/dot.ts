// The deployment graph as Graphviz DOT, laid out as disnix-visualize does: a cluster per
// target, a sub-cluster per container, a node per service instance, `dependsOn` edges solid
// and `connectsTo` edges dashed. With a plan, nodes are coloured by what happens to them.

import type { ChangeStatus } from './changes';
import type { DeploymentGraph } from './graph';

export interface DotOptions {
  /** `--no-containers`: services directly inside their target's cluster. */
  containers?: boolean;
}

/** Fill colours per plan status, shared with the webview's legend. */
export const STATUS_COLOURS: Record<ChangeStatus, string> = {
  new: '#c8e6c9',
  changed: '#fff3c4',
  removed: '#ffcdd2',
  unchanged: '#ffffff',
};

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function toDot(graph: DeploymentGraph, options: DotOptions = {}): string {
  const withContainers = options.containers !== false;
  const out = ['digraph G {', '  compound=true;', '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];', '  edge [fontname="Helvetica"];'];
  graph.targets.forEach((t, ti) => {
    out.push(`  subgraph cluster_${ti} {`, `    label=${quote(t.address && t.address !== t.name ? `${t.name} (${t.address})` : t.name)};`, '    style=rounded;');
    const containers = graph.containers.filter((c) => c.target === t.id);
    containers.forEach((c, ci) => {
      const indent = withContainers ? '      ' : '    ';
      if (withContainers) out.push(`    subgraph cluster_${ti}_${ci} {`, `      label=${quote(c.providedBy ? `${c.name} (provided by ${c.providedBy})` : c.name)};`, '      style=dashed;');
      for (const s of graph.services.filter((x) => x.target === t.id && x.container === c.name)) {
        const fill = s.status ? `, fillcolor=${quote(STATUS_COLOURS[s.status])}` : '';
        const style = s.status === 'removed' ? ', style="rounded,filled,dashed"' : '';
        out.push(`${indent}${quote(s.id)} [label=${quote(s.name)}${fill}${style}];`);
      }
      if (withContainers) out.push('    }');
    });
    out.push('  }');
  });
  for (const e of graph.edges) out.push(`  ${quote(e.from)} -> ${quote(e.to)}${e.kind === 'connectsTo' ? ' [style=dashed]' : ''};`);
  out.push('}');
  return out.join('\n') + '\n';
}
