// The architecture invariants of docs/architecture.md, read from the sources' imports: what
// each layer deliberately does not do. A violation names the file and the import.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(__dirname, '..', '..', '..');

interface Import {
  /** What the import names, as written. */
  spec: string;
  /** The imported file relative to the root (without extension), for relative imports. */
  file?: string;
  /** Whether anything is imported at run time (not `import type`). */
  runtime: boolean;
}

function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(root, folder));
  return out;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'([^']+)'/gm)) {
    const [, , typeOnly, names, spec] = m;
    // `import { type A, type B }` is as inert as `import type`.
    const specifiers = names.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    const runtime = !typeOnly && !(names.startsWith('{') && specifiers.every((s) => s.startsWith('type ')));
    out.push({ spec, runtime, file: spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : undefined });
  }
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push({ spec: m[1], runtime: true, file: m[1].startsWith('.') ? relative(root, resolve(dirname(file), m[1])) : undefined });
  return out;
}

const layer = (path: string) => path.split('/')[0];

function violations(folders: string[], bad: (imp: Import, from: string) => boolean): string[] {
  return folders.flatMap((f) => sources(f).flatMap((file) => importsOf(file).filter((i) => bad(i, file)).map((i) => `${relative(root, file)} imports '${i.spec}'`)));
}

describe('architecture invariants', () => {
  it('core/ knows nothing of VS Code, LSP or the layers above it', () => {
    assert.deepEqual(
      violations(['core'], (i) => /^vscode/.test(i.spec) || (i.file !== undefined && ['server', 'client', 'cli', 'agent', 'webview'].includes(layer(i.file)))),
      [],
    );
  });

  it('tests and benchmarks reach the engine through core/, never through cli/', () => {
    assert.deepEqual(
      violations(['test', 'bench'], (i) => i.file !== undefined && layer(i.file) === 'cli'),
      [],
    );
  });

  it('the agent takes only protocol types and small helpers from core/, never the evaluator or the planner', () => {
    assert.deepEqual(
      violations(['agent'], (i) => i.runtime && i.file !== undefined && /^core\/(nix\/(eval|builtins|parser|lower|scope)|model\/|ide\/|plan\/manifest)/.test(i.file)),
      [],
    );
  });

  it('the webview is browser code: no Node modules, and only types or plain helpers from core/', () => {
    assert.deepEqual(
      violations(['webview'], (i) => i.spec.startsWith('node:') || (i.runtime && i.file !== undefined && layer(i.file) === 'core' && i.file !== 'core/collections')),
      [],
    );
  });

  it("core/ never uses the process's standard streams, arguments or exit status (only cli/, server/ and agent/ do)", () => {
    const offending = sources('core').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, n) => [line, n + 1] as const)
        .filter(([line]) => /\bprocess\.(stdout|stderr|stdin|argv|exit|exitCode)\b/.test(line.replace(/\/\/.*$/, '')))
        .map(([, n]) => `${relative(root, file)}:${n}`),
    );
    assert.deepEqual(offending, []);
  });

  it("the model is inert: only the model's readers and the builds look into its evaluated Nix values", () => {
    const allowed = (file: string) => file.startsWith('core/model/') || file === 'core/plan/builds.ts';
    const offending = ['core', 'server', 'cli', 'client', 'agent', 'webview'].flatMap((folder) =>
      sources(folder)
        .filter((file) => !allowed(relative(root, file)))
        .flatMap((file) =>
          readFileSync(file, 'utf8')
            .split('\n')
            .map((line, n) => [line, n + 1] as const)
            .filter(([line]) => /\.evaluated\b/.test(line.replace(/\/\/.*$/, '')))
            .map(([, n]) => `${relative(root, file)}:${n}`),
        ),
    );
    assert.deepEqual(offending, []);
  });

  it('core/ has no import cycles at run time', () => {
    const graph = new Map<string, string[]>();
    for (const file of sources('core')) {
      const from = relative(root, file).replace(/\.ts$/, '');
      graph.set(
        from,
        importsOf(file)
          .filter((i) => i.runtime && i.file !== undefined)
          .map((i) => (graph.has(i.file!) || existsTs(i.file!) ? i.file! : `${i.file}/index`)),
      );
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') {
        cycles.push([...path.slice(path.indexOf(n)), n].join(' -> '));
        return;
      }
      state.set(n, 'open');
      for (const m of graph.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of graph.keys()) visit(n, []);
    assert.deepEqual(cycles, []);
  });
});

function existsTs(file: string): boolean {
  try {
    return statSync(join(root, `${file}.ts`)).isFile();
  } catch {
    return false;
  }
}
