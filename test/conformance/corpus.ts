// The conformance corpus: Nix expressions in cases/*.nixcases, separated by lines of `---`.
// Each case is written to its own file in a scratch directory beside a copy of fixtures/,
// so relative paths, imports and search paths resolve the same for Nix and for us.

import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Case {
  id: string;
  text: string;
  file: string;
}

export interface Expected {
  nixVersion: string;
  results: Record<string, Outcome>;
}

export type Outcome = { stdout: string } | { error: { kind: string; line?: number; col?: number; message?: string } };

export const here = join(__dirname, '..', '..', '..', 'test', 'conformance');
export const expectedPath = join(here, 'expected.json');

export function loadCases(): Case[] {
  const cases: Case[] = [];
  const dir = join(here, 'cases');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.nixcases')).sort()) {
    const topic = name.replace(/\.nixcases$/, '');
    const chunks = readFileSync(join(dir, name), 'utf8').split(/^---$/m);
    chunks.forEach((chunk, i) => {
      const text = chunk.replace(/^\n/, '');
      if (text.trim() === '') return;
      const id = `${topic}-${String(i + 1).padStart(3, '0')}`;
      cases.push({ id, text, file: `${id}.nix` });
    });
  }
  return cases;
}

/** Writes every case and the fixtures into a fresh scratch directory. */
export function materialise(cases: Case[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-conformance-'));
  cpSync(join(here, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  for (const c of cases) writeFileSync(join(dir, c.file), c.text);
  return dir;
}

/** The environment both evaluators run in: a search path into the fixtures, a fixed HOME. */
export function caseEnv(dir: string): Record<string, string> {
  return { NIX_PATH: `fixtures=${join(dir, 'fixtures')}`, HOME: dir, DNX_TEST_VAR: 'hello' };
}

const kinds: [RegExp, string][] = [
  [/already defined at/, 'duplicate-attribute'],
  [/json\.exception|JSON syntax error/, 'json'],
  [/infinite recursion encountered|stack overflow/, 'infinite-recursion'],
  [/undefined variable/, 'undefined-variable'],
  [/syntax error|duplicate formal|dynamic attributes not allowed|invalid integer/, 'syntax'],
  [/^error: attribute '.*' missing|^error: required attribute/m, 'missing-attribute'],
  [/assertion .* failed/, 'assertion'],
  [/evaluation aborted with the following error message/, 'abort'],
  [/division by zero/, 'division-by-zero'],
  [/called without required argument|called with unexpected argument|cannot evaluate a function that has an argument without a value/, 'bad-call'],
  [/^error: boom/m, 'throw'],
  [/value is .* while .* was expected|cannot coerce|cannot add|cannot compare|cannot convert|requires a function|attempt to call something which is not a function|doesn't represent an absolute path|is not allowed to refer to a store path/, 'type'],
  [/No such file|not found in the Nix search path|getting status|cannot import/, 'io'],
];

/** The kind of error Nix's stderr describes; `other` when none fits. */
export function classifyNixError(stderr: string): string {
  for (const [re, kind] of kinds) if (re.test(stderr)) return kind;
  return 'other';
}

/** The first `at FILE:LINE:COL:` of a Nix error, when it names the case file. */
export function nixErrorPosition(stderr: string, file: string): { line: number; col: number } | undefined {
  const m = new RegExp(`^\\s+at [^\\n]*${file.replace(/\./g, '\\.')}:(\\d+):(\\d+):$`, 'm').exec(stderr);
  return m ? { line: Number(m[1]), col: Number(m[2]) } : undefined;
}

export function readExpected(): Expected {
  return JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected;
}
