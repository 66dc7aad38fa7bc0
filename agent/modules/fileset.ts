// `fileset`: places a component's files in a target directory as Dysnomia's module does. The
// component lists what to do in `.dysnomia-fileset` (`symlink SRC` then `target DIR`: a link
// to SRC inside DIR; `mkdir DIR`: a directory that is the component's state), relative to
// `targetDir` (a container property, else the component's `.dysnomia-targetdir`). Snapshots
// copy the state directories; nothing may point outside the target directory.

import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { removeTree } from '../../core/deploy/store';
import { narHash } from '../../core/nix/store';
import { AgentError } from '../errors';
import type { ActivityContext, BuiltinModule } from './module';

interface Fileset {
  targetDir: string;
  links: { source: string; dir: string }[];
  dirs: string[];
}

function within(root: string, rel: string, ctx: ActivityContext): string {
  const full = resolve(root, rel);
  if (isAbsolute(rel) || (full !== root && !full.startsWith(root + sep))) throw new AgentError(`${ctx.componentName}: '${rel}' in .dysnomia-fileset is outside the target directory`);
  return full;
}

function readFileset(ctx: ActivityContext): Fileset {
  let targetDir = ctx.env.targetDir ?? '';
  if (!targetDir && existsSync(join(ctx.component, '.dysnomia-targetdir'))) targetDir = readFileSync(join(ctx.component, '.dysnomia-targetdir'), 'utf8').trim();
  if (!targetDir || !isAbsolute(targetDir)) throw new AgentError(`${ctx.componentName}: no absolute targetDir (set the container property or .dysnomia-targetdir)`);
  targetDir = normalize(targetDir);
  const fs: Fileset = { targetDir, links: [], dirs: [] };
  let pending: string | undefined;
  const listFile = join(ctx.component, '.dysnomia-fileset');
  if (!existsSync(listFile)) throw new AgentError(`${ctx.componentName} has no .dysnomia-fileset`);
  for (const line of readFileSync(listFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const sp = line.indexOf(' ');
    const [action, arg] = sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)];
    if (action === 'symlink') pending = arg;
    else if (action === 'target') {
      if (pending === undefined) throw new AgentError(`${ctx.componentName}: 'target ${arg}' without a 'symlink' before it`);
      fs.links.push({ source: pending, dir: within(targetDir, arg, ctx) });
    } else if (action === 'mkdir') fs.dirs.push(within(targetDir, arg, ctx));
    else throw new AgentError(`${ctx.componentName}: unknown action '${action}' in .dysnomia-fileset`);
  }
  return fs;
}

export const filesetModule: BuiltinModule = async (ctx) => {
  const fs = readFileset(ctx);
  const relDirs = fs.dirs.map((d) => d.slice(fs.targetDir.length + 1) || '.');
  switch (ctx.activity) {
    case 'activate':
      for (const l of fs.links) {
        await mkdir(l.dir, { recursive: true });
        const link = join(l.dir, basename(l.source));
        await rm(link, { force: true });
        await symlink(l.source, link);
      }
      for (const d of fs.dirs) await mkdir(d, { recursive: true });
      break;
    case 'deactivate':
      for (const l of fs.links) {
        await rm(join(l.dir, basename(l.source)), { force: true });
        await rmdir(l.dir).catch(() => undefined);
      }
      break;
    case 'snapshot': {
      const snapshots = ctx.state.snapshotsDir(ctx.container, ctx.componentName);
      await mkdir(snapshots, { recursive: true });
      const tmp = await mkdtemp(join(snapshots, '.new-'));
      for (const [i, d] of fs.dirs.entries()) if (existsSync(d)) await cp(d, join(tmp, relDirs[i]), { recursive: true, verbatimSymlinks: true });
      const id = narHash(tmp).toString('hex');
      if (existsSync(join(snapshots, id))) await removeTree(tmp);
      else await rename(tmp, join(snapshots, id));
      ctx.state.addGeneration(ctx.container, ctx.componentName, id);
      break;
    }
    case 'restore': {
      const latest = ctx.state.latest(ctx.container, ctx.componentName);
      if (!latest) break;
      for (const [i, d] of fs.dirs.entries()) {
        await rm(d, { recursive: true, force: true });
        if (existsSync(join(latest, relDirs[i]))) await cp(join(latest, relDirs[i]), d, { recursive: true, verbatimSymlinks: true });
      }
      break;
    }
    case 'collect-garbage':
      if (ctx.state.isGarbage(ctx.container, ctx.componentName)) for (const d of fs.dirs) await rm(d, { recursive: true, force: true });
      break;
    default:
      break;
  }
};
