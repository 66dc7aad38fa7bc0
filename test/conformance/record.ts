// Re-records test/conformance/expected.json from real Nix (`nix-instantiate`, Debian's
// nix-bin). Run with `npm run test:conformance:record` when Nix is installed.

import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { caseEnv, classifyNixError, expectedPath, loadCases, materialise, nixErrorPosition, type Expected } from './corpus';

function main(): void {
  const version = execFileSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).trim();
  const cases = loadCases();
  const dir = materialise(cases);
  const results: Expected['results'] = {};
  try {
    for (const c of cases) {
      const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', c.file], {
        cwd: dir,
        env: { ...process.env, ...caseEnv(dir) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status === 0) results[c.id] = { stdout: r.stdout };
      else {
        const pos = nixErrorPosition(r.stderr, c.file);
        results[c.id] = { error: { kind: classifyNixError(r.stderr), ...(pos ? { line: pos.line, col: pos.col } : {}) } };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const expected: Expected = { nixVersion: version, results };
  writeFileSync(expectedPath, JSON.stringify(expected, null, 1) + '\n');
  const errors = Object.values(results).filter((r) => 'error' in r).length;
  process.stdout.write(`recorded ${cases.length} cases with ${version} (${errors} errors)\n`);
}

main();
