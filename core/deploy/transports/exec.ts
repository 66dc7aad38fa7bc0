// `exec`: any program with Disnix's client command line (`<program> --target <address> <op>
// ...`), e.g. a real `disnix-ssh-client` or a custom protocol. Closures go through a temporary
// file, as Disnix's clients take them (`--import --localfile FILE`).

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TargetError } from '../errors';
import { toArgv, type Request } from '../protocol';
import { removeTree, type LocalStore } from '../store';
import { counting, type FetchedSnapshots, type TargetClient, type TargetLog } from '../transport';
import { runChild } from './child';

export class ExecClient implements TargetClient {
  constructor(
    readonly target: string,
    private readonly program: string,
    private readonly address: string,
    private readonly log: TargetLog,
  ) {}

  call(req: Request): Promise<string[]> {
    return runChild({ target: this.target, operation: req.op, command: [this.program, '--target', this.address, ...toArgv(req)], log: this.log });
  }

  async sendClosure(store: LocalStore, paths: string[], signal?: AbortSignal): Promise<number> {
    const dir = await mkdtemp(join(tmpdir(), 'dnx-closure-'));
    try {
      const file = join(dir, 'closure');
      const sent = { bytes: 0 };
      await pipeline(Readable.from(counting(store.exportPaths(paths), sent)), createWriteStream(file), { signal });
      await this.call({ op: 'import', file });
      return sent.bytes;
    } finally {
      await removeTree(dir);
    }
  }

  /** Disnix's clients copy the export to a file here and print its name; the file is theirs. */
  async fetchClosure(paths: string[], receive: (exported: Readable) => Promise<void>): Promise<void> {
    const [file] = await this.call({ op: 'export', paths });
    if (!file) throw new TargetError(this.target, 'export', 'the client printed no file name');
    await receive(createReadStream(file));
  }

  /**
   * Disnix's remote clients print one folder holding the copies; local ones print the folders.
   * The copies are the client's: it decides when they go.
   */
  async fetchSnapshots(paths: string[]): Promise<FetchedSnapshots> {
    const out = await this.call({ op: 'export-snapshots', paths });
    const dispose = async () => undefined;
    if (out.length === paths.length && out.every((p, i) => basename(p) === basename(paths[i]))) return { folders: out, dispose };
    if (out.length !== 1) throw new TargetError(this.target, 'export-snapshots', `unexpected answer: ${out.join(' ')}`);
    return { folders: paths.map((p) => join(out[0], basename(p))), dispose };
  }

  async sendSnapshots(container: string, component: string, folders: string[]): Promise<void> {
    await this.call({ op: 'import-snapshots', container, component, paths: folders });
  }

  async close(): Promise<void> {}
}
