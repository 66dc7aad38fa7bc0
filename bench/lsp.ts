// npm run bench:lsp: the language server as an editor sees it. For generated models of 50 and
// 1,000 services (100 targets), edits each of the three model files in turn and measures the
// time from sending didChange to receiving the publishDiagnostics for that version, and the
// server's peak resident memory. Side by side: nix-instantiate evaluating the same models once.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from 'vscode-languageserver-protocol';
import { Source } from '../core/nix/source';
import { LspClient, uri } from '../test/server/lsp-client';
import { writeDisnixModel, type ModelSize } from './models';
import { machine, writeSection } from './report';

const EDITS = Number(process.env.BENCH_EDITS ?? 100);
const WARMUP = 5;

const sizes: { label: string; size: ModelSize }[] = [
  { label: '50 services, 100 targets, 150 edges', size: { services: 50, targets: 100, edges: 150 } },
  { label: '1,000 services, 100 targets, 3,000 edges', size: { services: 1000, targets: 100, edges: 3000 } },
];

/**
 * One keystroke-sized edit per file and round, as an editor sends it (an incremental change):
 * where, how many characters it replaces, and with what. Every round changes the text.
 */
const edits: Record<string, { find: RegExp; length: number; text: (round: number) => string }> = {
  // A port number in the middle of the services model.
  'services.nix': { find: /port = 8025;/, length: 4, text: (r) => String(9000 + (r % 2)) },
  // A property of a target.
  'infrastructure.nix': { find: /mem = 1024;/, length: 4, text: (r) => String(2048 + (r % 2)) },
  // Where a service is mapped: test0 or test1.
  'distribution.nix': { find: /s1 = \[ infrastructure\.test1/, length: 1, text: (r) => String(r % 2) },
};

function positionOf(text: string, find: RegExp): Position {
  const m = find.exec(text);
  if (!m) throw new Error(`${find} is not in the model`);
  // The edit replaces the number after `= `, or the last character.
  const offset = m.index + (m[0].includes('= ') ? m[0].indexOf('= ') + 2 : m[0].length - 1);
  return new Source('', text, '').position(offset);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function nixVersion(): string | undefined {
  try {
    return execFileSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Median time of nix-instantiate evaluating the models once, as a whole process. */
function nixMs(model: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', model], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(r.stderr);
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

async function measure(dir: string): Promise<{ rows: string[]; rss: number; diagnostics: number }> {
  const client = await LspClient.start(dir);
  const files = Object.keys(edits).map((name) => join(dir, name));
  const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  for (const f of files) await client.open(f);
  const initial = await client.diagnostics(files[0]);
  const rows: string[] = [];
  for (const f of files) {
    const name = f.slice(dir.length + 1);
    const times: number[] = [];
    const edit = edits[name];
    const at = positionOf(texts.get(f)!, edit.find);
    let length = edit.length;
    for (let round = 0; round < EDITS + WARMUP; round++) {
      const text = edit.text(round);
      const arrived = new Promise<void>((resolve) => {
        client.onDiagnostics = (p) => p.uri === uri(f) && p.version === version && resolve();
      });
      const started = performance.now();
      const version = await client.edit(f, at, length, text);
      length = text.length;
      await arrived;
      if (round >= WARMUP) times.push(performance.now() - started);
    }
    rows.push(`| ${name} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${Math.max(...times).toFixed(1)} |`);
  }
  const rss = peakRssMb(client.process.pid!);
  await client.stop();
  return { rows, rss, diagnostics: initial.length };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'dnx-bench-lsp-'));
  const nix = nixVersion();
  const out: string[] = [`didChange to publishDiagnostics, ${EDITS} edits per file after ${WARMUP} warm-up edits, one at a time; times in ms.`, ''];
  try {
    for (const { label, size } of sizes) {
      const dir = join(root, `${size.services}`);
      const model = writeDisnixModel(dir, size);
      const { rows, rss, diagnostics } = await measure(dir);
      const reference = nix ? `${nix} evaluating the same models once: ${nixMs(model).toFixed(1)} ms` : 'nix-instantiate is not installed';
      out.push(`**${label}** (${diagnostics} diagnostics on the unedited model; server peak RSS ${rss.toFixed(0)} MB; ${reference})`, '');
      out.push('| file edited | p50 | p95 | max |', '|---|---|---|---|', ...rows, '');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(out.join('\n') + '\n');
  writeSection('bench:lsp', ['## Language server (`npm run bench:lsp`)', '', machine(), '', ...out].join('\n'));
}

void main();
