// Nix's own language tests, read from a Nix source checkout (tests/lang, or tests/functional/lang
// in newer ones) and run through our parser and evaluator next to this machine's Nix:
//
//   npm run conformance:lang -- PATH/TO/nix/tests/lang
//
// each parse-* file must be accepted or refused as this Nix's parser decides (parse-okay-* and
// parse-fail-* say what the suite expects); each eval-okay-* that this Nix
// prints as JSON (`nix-instantiate --eval --strict --json`, with the test's .flags) must print
// the same. Cases this Nix does not print (functions, paths needing a real store, features of a
// newer Nix) are counted apart, not compared. The suite is Nix's and stays out of this repository.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EvalError } from '../../core/nix/errors';
import { Evaluator } from '../../core/nix/eval';
import { evalToJson } from '../../core/nix/instantiate';
import { parseNix } from '../../core/nix/lower';
import { initParser } from '../../core/nix/parser';
import { bindVariables } from '../../core/nix/scope';
import { Source } from '../../core/nix/source';

type Verdict = 'agree' | 'differ' | 'not-json';

/** The test's extra flags (`-I`, `--arg`), as Nix's lang.sh passes them. */
function flagsOf(dir: string, name: string): string[] {
  const f = join(dir, `${name}.flags`);
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
}

/** Whether the file parses, as Nix's parser decides it: syntax, then undefined variables. */
function parses(dir: string, file: string): boolean {
  const path = join(dir, file);
  const { expr, diagnostics } = parseNix(new Source(path, readFileSync(path, 'utf8'), dir));
  bindVariables(expr, new Evaluator({}).builtins.globalSlots, diagnostics);
  return !diagnostics.some((d) => d.severity === 'error');
}

function ours(dir: string, file: string, flags: string[]): string {
  const nixPath: string[] = [];
  const args: { name: string; expr?: string; str?: string }[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '-I') nixPath.push(flags[++i]);
    else if (flags[i] === '--arg') args.push({ name: flags[++i], expr: flags[++i] });
    else if (flags[i] === '--argstr') args.push({ name: flags[++i], str: flags[++i] });
  }
  const ev = new Evaluator({ nixPath, onTrace: () => {} });
  try {
    return evalToJson(ev, { file, args, attrPaths: [], cwd: dir }).join('');
  } catch (e) {
    if (e instanceof EvalError) return `error: ${e.message}`;
    throw e;
  }
}

function evalCase(dir: string, name: string, env: NodeJS.ProcessEnv): { verdict: Verdict; detail?: string } {
  const flags = flagsOf(dir, name);
  const nix = spawnSync('nix-instantiate', [...flags, '--eval', '--strict', '--json', `${name}.nix`], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  if (nix.status !== 0) return { verdict: 'not-json', detail: nix.stderr.split('\n').find((l) => l.startsWith('error:')) };
  const got = ours(dir, `${name}.nix`, flags);
  return got === nix.stdout ? { verdict: 'agree' } : { verdict: 'differ', detail: `ours ${got.slice(0, 300)}\n      nix  ${nix.stdout.slice(0, 300)}` };
}

async function main(): Promise<number> {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    process.stderr.write('usage: npm run conformance:lang -- PATH/TO/nix/tests/lang\n');
    return 2;
  }
  const version = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    process.stderr.write('nix-instantiate is not installed: the suite is compared with it\n');
    return 2;
  }
  await initParser();
  // As Nix's lang.sh runs them: TEST_VAR for getEnv, no search path but the tests' own.
  const env = { ...process.env, TEST_VAR: 'foo', NIX_PATH: '' };
  const names = readdirSync(dir).filter((n) => /^(parse|eval)-(okay|fail)-.*\.nix$/.test(n)).sort();
  const counts = { parse: { agree: 0, total: 0 }, eval: { agree: 0, total: 0, notJson: 0 } };
  const lines: string[] = [];
  for (const file of names) {
    const name = file.slice(0, -4);
    if (name.startsWith('parse-')) {
      // Compared with what this Nix's parser decides; a file it decides against its name is shown.
      const nix = spawnSync('nix-instantiate', ['--parse', file], { cwd: dir, env, encoding: 'utf8' }).status === 0;
      const ok = parses(dir, file) === nix;
      counts.parse.total++;
      if (ok) counts.parse.agree++;
      else lines.push(`differ    ${name}: ours ${nix ? 'refused' : 'accepted'}, Nix ${nix ? 'accepted' : 'refused'}`);
      if (nix !== name.startsWith('parse-okay-')) lines.push(`note      ${name}: this Nix ${nix ? 'accepts' : 'refuses'} it`);
    } else if (name.startsWith('eval-okay-')) {
      const r = evalCase(dir, name, env);
      if (r.verdict === 'not-json') {
        counts.eval.notJson++;
        lines.push(`not json  ${name}: ${r.detail ?? ''}`);
        continue;
      }
      counts.eval.total++;
      if (r.verdict === 'agree') counts.eval.agree++;
      else lines.push(`differ    ${name}:\n      ${r.detail}`);
    }
  }
  process.stdout.write(lines.map((l) => l + '\n').join(''));
  const agree = counts.parse.agree + counts.eval.agree;
  const total = counts.parse.total + counts.eval.total;
  process.stdout.write(
    `\n${version.stdout.trim()}: ${agree} of ${total} agree ` +
      `(parse ${counts.parse.agree}/${counts.parse.total}, eval-okay printed as JSON ${counts.eval.agree}/${counts.eval.total}; ` +
      `${counts.eval.notJson} eval-okay not printed as JSON by this Nix)\n`,
  );
  return agree === total ? 0 : 1;
}

main().then((code) => process.exit(code));
