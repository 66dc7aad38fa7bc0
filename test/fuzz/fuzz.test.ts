// Property-based tests (fast-check): random Nix text and randomly edited example models fed to
// the parser, the evaluator, the model analysis and planning, and sequences of edits fed to the
// language server. Nothing crashes; evaluation ends within its limits; every diagnostic lies
// inside its document; the versions of published diagnostics never go back.
//
// Each property runs twice: with a fixed seed (the same cases every run) and with a fresh one,
// printed so a failure can be replayed: FUZZ_SEED=<seed> node --test out/test/fuzz/fuzz.test.js.
// `npm run fuzz` runs FUZZ_RUNS times as many cases. Findings: docs/reliability.md.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { analyseDeployment } from '../../core/model/analyse';
import { EvalError } from '../../core/nix/errors';
import { Evaluator } from '../../core/nix/eval';
import { withTexts } from '../../core/nix/files';
import { parseNix } from '../../core/nix/lower';
import { buildManifest } from '../../core/plan/manifest';
import { planTransition } from '../../core/plan/transition';
import { loadCases } from '../conformance/corpus';
import { parseShape as shape, ready, show, source } from '../helpers';
import { LspClient, uri } from '../server/lsp-client';
import { applyEdit, edit, nixText, placeEdit, type Edit } from './arbitraries';

const FIXED_SEED = 20261203;
const scale = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1));
const examples = join(__dirname, '..', '..', '..', 'examples');

/** The seeds each property runs with: the fixed one, then one printed for replaying. */
function seeds(): number[] {
  if (process.env.FUZZ_SEED) return [Number(process.env.FUZZ_SEED)];
  const fresh = (Date.now() ^ (process.pid << 16)) >>> 0;
  return [FIXED_SEED, fresh];
}

function check<T>(name: string, property: fc.IProperty<T> | fc.IAsyncProperty<T>, runs: number): Promise<void> | void {
  const all = seeds();
  const one = (seed: number) => {
    process.stdout.write(`# fuzz ${name}: seed ${seed}, ${runs * scale} runs\n`);
    return fc.assert(property as fc.IAsyncProperty<T>, { seed, numRuns: runs * scale, endOnFailure: true });
  };
  return all.reduce<Promise<void>>((p, seed) => p.then(() => one(seed)), Promise.resolve());
}

/** Parses and evaluates with small limits; anything but a value or an EvalError fails. */
function survive(text: string): void {
  const ev = new Evaluator({ maxSteps: 100_000, maxDepth: 200, maxAlloc: 1_000_000, onTrace: () => {} });
  try {
    const parsed = ev.parse(source(text, '/project/case.nix'));
    for (const d of parsed.diagnostics) assert.ok(d.loc.start >= 0 && d.loc.start <= d.loc.end && d.loc.end <= text.length, `a syntax diagnostic outside the text: ${d.message}`);
    show(ev, ev.evalParsed(parsed));
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
  }
}

/** The examples' deployments, as file roles to paths. */
const DEPLOYMENTS: Record<string, string>[] = [
  { services: 'hello-world/services.nix', infrastructure: 'hello-world/infrastructure.nix', distribution: 'hello-world/distribution.nix' },
  { services: 'hello-world/services-composition.nix', infrastructure: 'hello-world/infrastructure.nix', distribution: 'hello-world/distribution-composition.nix' },
  { services: 'staff-tracker/services.nix', infrastructure: 'staff-tracker/infrastructure.nix', distribution: 'staff-tracker/distribution.nix' },
  { services: 'staff-tracker/services-with-containers.nix', infrastructure: 'staff-tracker/infrastructure.nix', distribution: 'staff-tracker/distribution-with-containers.nix' },
  { services: 'tcp-proxy/services.nix', infrastructure: 'tcp-proxy/infrastructure.nix', distribution: 'tcp-proxy/distribution.nix' },
];

describe('fuzz', () => {
  before(() => ready);

  it('the parser and the evaluator survive generated Nix and edited corpus cases', () => {
    const corpus = loadCases().map((c) => c.text);
    const edited = fc.tuple(fc.constantFrom(...corpus), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([t, es]) => es.reduce(applyEdit, t));
    return check('nix', fc.property(fc.oneof(nixText, edited), survive), 300);
  });

  it('an edited file lowered incrementally (reusing what the edit did not touch) is its tree lowered afresh, and a valid one is the file parsed afresh', () => {
    const texts = DEPLOYMENTS.flatMap((d) => Object.values(d)).map((p) => readFileSync(join(examples, p), 'utf8'));
    const sequence = fc.tuple(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 6 }));
    const path = '/project/edited.nix';
    return check(
      'incremental',
      fc.property(sequence, ([start, edits]) => {
        let text = start;
        let last = parseNix(source(text, path), { keepTree: true });
        try {
          for (const e of edits) {
            const before = text;
            text = applyEdit(text, e);
            // A binary file (a NUL byte) has no tree to go on from.
            if (!last.tree) {
              last = parseNix(source(text, path), { keepTree: true });
              continue;
            }
            // The same incremental parse, lowered once reusing the last lowering and once not.
            const copy = last.tree.copy();
            const plain = parseNix(source(text, path), { keepTree: true, previous: { text: before, tree: copy } });
            const reused = parseNix(source(text, path), { keepTree: true, previous: { text: before, tree: last.tree, lowered: last.lowered } });
            copy.delete();
            plain.tree?.delete();
            last.tree.delete();
            last = reused;
            assert.equal(shape(reused), shape(plain));
            // Tree-sitter recovers from some syntax errors differently when it parses incrementally.
            if (reused.diagnostics.length === 0) assert.equal(shape(reused), shape(parseNix(source(text, path))));
          }
        } finally {
          last.tree?.delete();
        }
      }),
      60,
    );
  });

  it('analysing and planning an edited example deployment never throws, and every diagnostic is inside its file', () => {
    const deployment = fc.record({ which: fc.nat({ max: DEPLOYMENTS.length - 1 }), role: fc.constantFrom('services', 'infrastructure', 'distribution'), edits: fc.array(edit, { minLength: 1, maxLength: 5 }) });
    return check(
      'models',
      fc.property(deployment, ({ which, role, edits }) => {
        const files = Object.fromEntries(Object.entries(DEPLOYMENTS[which]).map(([r, p]) => [r, join(examples, p)]));
        const text = edits.reduce(applyEdit, readFileSync(files[role], 'utf8'));
        const analysis = analyseDeployment(files, { files: withTexts((p) => (p === files[role] ? text : undefined)), limits: { maxSteps: 200_000, maxDepth: 300, maxAlloc: 2_000_000 } });
        for (const d of analysis.diagnostics) {
          const { source: src, start, end } = d.loc;
          assert.ok(start >= 0 && start <= end && end <= src.text.length, `${d.code} outside ${src.path}: ${start}-${end} of ${src.text.length}`);
          if (src.path === files[role]) assert.equal(src.text, text, 'diagnostics are located in the text analysed');
        }
        const { manifest } = buildManifest(analysis);
        if (manifest) planTransition(manifest, undefined);
      }),
      100,
    );
  });

  describe('the language server under random edits', () => {
    let dir: string;
    let client: LspClient;
    const files = ['services.nix', 'infrastructure.nix', 'distribution.nix'];
    /** The text of each file at each version sent, to check published ranges against. */
    const texts = new Map<string, Map<number, string>>();
    const lastVersion = new Map<string, number>();
    const problems: string[] = [];
    /** How many published diagnostics were checked against their document (the check is not vacuous). */
    let checked = 0;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dnx-fuzz-'));
      cpSync(join(examples, 'hello-world'), dir, { recursive: true });
      client = await LspClient.start(dir);
      client.onDiagnostics = (p: PublishDiagnosticsParams) => {
        if (p.version === undefined) return;
        const last = lastVersion.get(p.uri) ?? 0;
        if (p.version < last) problems.push(`${p.uri}: version ${p.version} published after ${last}`);
        lastVersion.set(p.uri, Math.max(last, p.version));
        const text = texts.get(p.uri)?.get(p.version);
        if (text === undefined) return;
        const lines = text.split(/\r\n|\r|\n/);
        for (const d of p.diagnostics) {
          checked++;
          for (const pos of [d.range.start, d.range.end]) {
            if (pos.line >= lines.length || pos.character > lines[pos.line].length) problems.push(`${p.uri} v${p.version}: '${d.message}' at ${pos.line}:${pos.character} is outside the document`);
          }
        }
      };
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        texts.set(uri(join(dir, f)), new Map([[1, text]]));
        await client.open(join(dir, f), text);
      }
    });
    after(async () => {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('survives every sequence of edits, publishing in-document diagnostics whose versions never go back', async () => {
      const steps = fc.array(fc.tuple(fc.nat({ max: files.length - 1 }), edit), { minLength: 1, maxLength: 12 });
      await check(
        'lsp',
        fc.asyncProperty(steps, async (sequence: [number, Edit][]) => {
          const current = new Map(files.map((f) => [f, latestText(f)]));
          for (const [i, e] of sequence) {
            const path = join(dir, files[i]);
            const before = current.get(files[i])!;
            const { offset, remove, insert } = placeEdit(before, e);
            const after = before.slice(0, offset) + insert + before.slice(offset + remove);
            const start = positionIn(before, offset);
            const end = positionIn(before, offset + remove);
            // One change with a range spanning lines, as an editor sends a deletion or a paste.
            const version = await sendEdit(path, start, end, insert);
            texts.get(uri(path))!.set(version, after);
            current.set(files[i], after);
          }
          for (const f of files) await client.diagnostics(join(dir, f));
          assert.deepEqual(problems, []);
          // Still answering requests.
          await client.request('textDocument/hover', { textDocument: { uri: uri(join(dir, 'services.nix')) }, position: { line: 0, character: 0 } });
        }),
        15,
      );
      assert.ok(checked > 0, 'some edits made diagnostics, and they were checked');
      process.stdout.write(`# fuzz lsp: ${checked} published diagnostics checked\n`);
    });

    function latestText(f: string): string {
      const versions = texts.get(uri(join(dir, f)))!;
      return versions.get(Math.max(...versions.keys()))!;
    }

    async function sendEdit(path: string, start: { line: number; character: number }, end: { line: number; character: number }, text: string): Promise<number> {
      // LspClient.edit sends single-line ranges; a range across lines goes as a whole-text change instead.
      if (start.line === end.line) return client.edit(path, start, end.character - start.character, text);
      const versions = texts.get(uri(path))!;
      const before = versions.get(Math.max(...versions.keys()))!;
      const from = offsetIn(before, start);
      const to = offsetIn(before, end);
      return client.change(path, before.slice(0, from) + text + before.slice(to));
    }
  });
});

/** The LSP position (0-based line, UTF-16 character) of `offset`; lines end at \n, \r\n or \r as LSP says. */
function positionIn(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

function offsetIn(text: string, pos: { line: number; character: number }): number {
  let line = 0;
  let i = 0;
  for (; i < text.length && line < pos.line; i++) if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) line++;
  return i + pos.character;
}
