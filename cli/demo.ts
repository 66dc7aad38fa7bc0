// `dnx demo` (the README's first line, `npm run demo`): evaluates the bundled hello-world
// example's models and prints them, with no SSH, root or Nix needed.

import { join } from 'node:path';
import { EvalError } from '../core/nix/errors';
import { Evaluator, nixSystem } from '../core/nix/eval';
import { initParser } from '../core/nix/parser';
import { NixAttrs, Unknown, type Lazy, type Value } from '../core/nix/values';
import { printValue } from './print';

export const demoUsage = `usage: dnx demo [EXAMPLE-DIR]

Evaluates an example's services, infrastructure and distribution models and prints them.`;

function call(ev: Evaluator, f: Value, args: Record<string, Lazy>): Value {
  return ev.call(f, [new NixAttrs(new Map(Object.entries(args)))], undefined);
}

export async function runDemo(argv: string[]): Promise<number> {
  const dir = argv[0] ?? join(__dirname, '..', 'examples', 'hello-world');
  await initParser();
  const ev = new Evaluator();
  try {
    ev.guard(() => {
      const load = (name: string) => ev.force(ev.importFile(join(dir, name), undefined));
      const infrastructure = load('infrastructure.nix');
      const distribution = call(ev, load('distribution.nix'), { infrastructure });
      const pkgs = new Unknown('Nixpkgs is not needed to read the models');
      const services = call(ev, load('services.nix'), { system: nixSystem(), pkgs, distribution, invDistribution: new Unknown('not computed by the demo') });
      for (const [title, value] of [['services', services], ['infrastructure', infrastructure], ['distribution', distribution]] as const) {
        process.stdout.write(`# ${title} (${dir})\n${printValue(ev, value, { maxDepth: 4 })}\n\n`);
      }
    });
    return 0;
  } catch (e) {
    if (e instanceof EvalError) {
      process.stderr.write(e.format() + '\n');
      return 1;
    }
    throw e;
  }
}
