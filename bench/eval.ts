// npm run bench:eval: our evaluator (warm in-process, and the cold `dnx eval` process) side by
// side with nix-instantiate --eval --strict --json, on the same files in the same run.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalToJson } from '../core/nix/instantiate';
import { Evaluator } from '../core/nix/eval';
import { ParseCache } from '../core/nix/parse-cache';
import { initParser } from '../core/nix/parser';
import { writeDisnixModel } from './models';
import { machine, writeSection } from './report';

const ROOT = join(__dirname, '..', '..');
const DNX = join(ROOT, 'bin', 'dnx');
const PROCESS_RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeProcess(cmd: string, args: string[], cwd: string): { ms: number; stdout: string } {
  let stdout = '';
  const times: number[] = [];
  for (let i = 0; i < PROCESS_RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
    stdout = r.stdout;
  }
  return { ms: median(times), stdout };
}

/** `reuse`: parsed files are kept between runs, as the language server keeps unchanged files. */
function timeWarm(file: string, cwd: string, reuse: boolean): number {
  const shared = new ParseCache();
  const run = () => evalToJson(new Evaluator({ parseCache: reuse ? shared : new ParseCache() }), { file, args: [], attrPaths: [], cwd });
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function main(): Promise<void> {
  await initParser();
  const dir = mkdtempSync(join(tmpdir(), 'dnx-bench-'));
  const nixVersion = execFileSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).trim();
  const workloads: { name: string; file: string }[] = [];
  try {
    writeDisnixModel(join(dir, 'model'), { services: 1000, targets: 100, edges: 3000 });
    workloads.push({ name: 'Disnix model: 1,000 services, 100 targets, 3,000 dependsOn edges', file: join(dir, 'model', 'model.nix') });
    writeFileSync(join(dir, 'fib.nix'), 'let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 25\n');
    workloads.push({ name: 'recursion: naive fib 25', file: join(dir, 'fib.nix') });
    writeFileSync(join(dir, 'attrs.nix'), `let
  entries = builtins.genList (i: { name = "key\${toString i}"; value = i * 2; }) 100000;
  set = builtins.listToAttrs entries;
  total = builtins.foldl' (acc: n: acc + set.\${n}) 0 (builtins.attrNames set);
in { inherit total; size = builtins.length (builtins.attrValues set); evens = builtins.length (builtins.filter (e: builtins.bitAnd e.value 2 == 0) entries); }
`);
    workloads.push({ name: 'large set and list: 100,000 attributes', file: join(dir, 'attrs.nix') });

    // What any Node program pays before running a line: the floor under every cold figure.
    const nodeStart = timeProcess(process.execPath, ['-e', '0'], dir).ms;
    const rows: string[] = [];
    const ratio = (ms: number, base: number) => `${ms.toFixed(1)} (${(ms / base).toFixed(2)}x)`;
    for (const w of workloads) {
      const cwd = join(w.file, '..');
      const nix = timeProcess('nix-instantiate', ['--eval', '--strict', '--json', w.file], cwd);
      const cold = timeProcess(process.execPath, [DNX, 'eval', w.file], cwd);
      if (cold.stdout !== nix.stdout) throw new Error(`${w.name}: dnx eval and nix-instantiate disagree`);
      const reused = timeWarm(w.file, cwd, true);
      const reparsed = timeWarm(w.file, cwd, false);
      rows.push(`| ${w.name} | ${nix.ms.toFixed(1)} | ${ratio(reused, nix.ms)} | ${ratio(reparsed, nix.ms)} | ${ratio(cold.ms, nix.ms)} |`);
      process.stdout.write(rows[rows.length - 1] + '\n');
    }
    writeResults(rows, nixVersion, nodeStart);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeResults(rows: string[], nixVersion: string, nodeStart: number): void {
  writeSection('bench:eval', `## Evaluation (\`npm run bench:eval\`)

Median wall time in milliseconds; the ratio is to \`nix-instantiate --eval --strict --json\`
on the same file in the same run (${nixVersion}; ${PROCESS_RUNS} process runs, ${WARM_RUNS} warm
in-process runs after 3 warm-ups). The warm columns evaluate in an already running process
with a fresh evaluator each time: "files reused" keeps the parsed files between runs, as the
language server keeps the files an edit did not touch; "all re-parsed" parses every file
again. "Cold" is a whole \`dnx eval\` process. The outputs of \`dnx eval\` and Nix are checked to
be byte-identical.

${machine()}
Starting Node itself (\`node -e 0\`) takes ${nodeStart.toFixed(1)} ms here.

| workload | nix-instantiate | warm, files reused | warm, all re-parsed | \`dnx eval\`, cold |
|---|---|---|---|---|
${rows.join('\n')}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
