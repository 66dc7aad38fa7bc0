// How the evaluator sees files: one interface for reading, telling what a path is, and listing
// a folder, so the editor's unsaved documents are seen the same way by `import`, `readFile`,
// `pathExists` and `readDir` (a document open in the editor but not yet on disk exists).

import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';

/** What `builtins.readDir` calls each entry. */
export type FileType = 'regular' | 'directory' | 'symlink' | 'unknown';

export interface NixFiles {
  /** The file's text; throws (with the errno `code`) when it cannot be read. */
  readText(path: string): string;
  /** What `path` is, following symlinks (`stat`); undefined when nothing is there. */
  typeOf(path: string): FileType | undefined;
  /** The entries of a folder with their types, not following symlinks (`lstat`); throws when it cannot be read. */
  readDir(path: string): [string, FileType][];
}

const kind = (st: { isSymbolicLink(): boolean; isDirectory(): boolean; isFile(): boolean }): FileType => (st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'regular' : 'unknown');

export const diskFiles: NixFiles = {
  readText: (path) => readFileSync(path, 'utf8'),
  typeOf: (path) => {
    try {
      return kind(statSync(path));
    } catch {
      return undefined;
    }
  },
  readDir: (path) => readdirSync(path).map((name) => [name, kind(lstatSync(`${path}/${name}`))]),
};

/** `base` with texts laid over it (the editor's open documents): those paths are regular files with that text. */
export function withTexts(texts: (path: string) => string | undefined, base: NixFiles = diskFiles): NixFiles {
  return {
    readText: (path) => texts(path) ?? base.readText(path),
    typeOf: (path) => (texts(path) !== undefined ? 'regular' : base.typeOf(path)),
    readDir: (path) => base.readDir(path),
  };
}
