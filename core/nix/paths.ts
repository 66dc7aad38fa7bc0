// Path helpers with Nix's semantics (canonPath, baseNameOf, dirOf), independent of the host OS.

import { homedir } from 'node:os';

/** Removes `.`, `..`, repeated and trailing slashes; the result is absolute. */
export function canonPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

export function homeDir(): string {
  return process.env.HOME ?? homedir();
}

/** Nix's `baseNameOf`: the part after the last slash, ignoring one trailing slash. */
export function baseNameOf(path: string): string {
  let end = path.length;
  if (end > 0 && path[end - 1] === '/') end--;
  const slash = path.lastIndexOf('/', end - 1);
  return path.slice(slash + 1, end);
}

/** Nix's `dirOf` on a string: everything before the last slash, `/` for top-level, `.` if none. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1) return '.';
  if (slash === 0) return '/';
  return path.slice(0, slash);
}
