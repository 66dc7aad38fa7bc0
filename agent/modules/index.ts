// Which activation module handles a type, looked up as Dysnomia does (../shared/reference/
// disnix.md §5): a type that is a path names the module itself (a file, or a directory with
// one file in `libexec/dysnomia/`); otherwise `DYSNOMIA_MODULES_PATH`, then the real Dysnomia
// when it is installed, then our built-in modules.

import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { AgentError } from '../errors';
import { echoModule } from './echo';
import { filesetModule } from './fileset';
import type { ActivityContext, BuiltinModule, StatusReader } from './module';
import { processModule, processStatus } from './process';
import { runProgram } from './run';
import { wrapperModule } from './wrapper';

export const BUILTIN_MODULES: Record<string, BuiltinModule> = { echo: echoModule, process: processModule, wrapper: wrapperModule, fileset: filesetModule };

/** The built-in modules that can tell whether what they started still runs. */
const BUILTIN_STATUS: Record<string, StatusReader> = { process: processStatus };

const TYPE_NAME = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$/;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && executable(join(dir, program))) return join(dir, program);
  return undefined;
}

/** The module for `type`: a built-in, or an executable with Dysnomia's interface. */
export function resolveModule(type: string, typePath: string | undefined, env: NodeJS.ProcessEnv): BuiltinModule {
  if (typePath !== undefined || isAbsolute(type) || type.startsWith('./')) {
    const at = typePath ?? type;
    if (!existsSync(at)) throw new AgentError(`the activation module ${type} is not on this machine`);
    let file = at;
    if (statSync(at).isDirectory()) {
      const dir = join(at, 'libexec', 'dysnomia');
      const names = existsSync(dir) ? readdirSync(dir) : [];
      if (names.length !== 1) throw new AgentError(`${type} provides ${names.length} activation modules in libexec/dysnomia (one is needed)`);
      file = join(dir, names[0]);
    }
    return external(file, type);
  }
  if (!TYPE_NAME.test(type)) throw new AgentError(`invalid type '${type}'`);
  for (const dir of (env.DYSNOMIA_MODULES_PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, type))) return external(join(dir, type), type);
  }
  const dysnomia = onPath('dysnomia', env);
  if (dysnomia) return viaDysnomia(dysnomia, type);
  const builtin = BUILTIN_MODULES[type];
  if (builtin) return builtin;
  throw new AgentError(`no activation module for type '${type}': the built-in ones are ${Object.keys(BUILTIN_MODULES).join(', ')}; add a module to DYSNOMIA_MODULES_PATH or install Dysnomia`);
}

function external(file: string, type: string): BuiltinModule {
  return (ctx: ActivityContext) => runProgram(file, [ctx.activity, ctx.component, ctx.container], ctx, `the ${type} module (${ctx.activity} ${ctx.componentName})`);
}

function viaDysnomia(dysnomia: string, type: string): BuiltinModule {
  return (ctx: ActivityContext) =>
    runProgram(dysnomia, ['--type', type, '--operation', ctx.activity, '--component', ctx.component, '--container', ctx.container, '--environment'], ctx, `dysnomia's ${type} module (${ctx.activity} ${ctx.componentName})`);
}

/** How to ask what a service of `type` is doing: only our own modules can tell (Dysnomia's have no such activity). */
export function statusReader(type: string, typePath: string | undefined, env: NodeJS.ProcessEnv): StatusReader | undefined {
  try {
    return resolveModule(type, typePath, env) === BUILTIN_MODULES[type] ? BUILTIN_STATUS[type] : undefined;
  } catch {
    return undefined; // no module at all: what it would be doing is not known either
  }
}
