// Keeps one analysis per deployment that has an open file, re-run after edits. Runs are
// coalesced: an edit schedules a run behind the messages already received, so a burst of
// keystrokes that arrived while the last run was busy is analysed once, at its newest
// version, and a newer edit replaces a pending run. Diagnostics are never stale (the run reads
// the current versions and publishes with them), and requests run on a fresh analysis.
// Evaluation is bounded by step and depth limits; files over a size limit are not evaluated.

import { withTexts, type NixFiles } from '../core/nix/files';
import { analyseDeployment } from '../core/model/analyse';
import { targetDefaultsFrom } from '../core/model/load';
import type { DeploymentFiles } from '../core/model/types';
import type { IdeState } from '../core/ide/state';
import { diagnostic, type Diagnostic } from '../core/nix/diagnostic';
import { Source } from '../core/nix/source';
import { deploymentId } from '../core/model/deployment-files';
import type { ModelWorkspace } from './workspace';

export interface Documents {
  /** The editor's text of an open file. */
  text(path: string): string | undefined;
  version(path: string): number | undefined;
}

export interface AnalyserSettings {
  ignore: string[];
  /** Files larger than this (in characters) are not evaluated. */
  maxFileSize: number;
}

export type Publish = (path: string, diagnostics: Diagnostic[], version: number | undefined) => void;

interface Entry {
  files: DeploymentFiles;
  state?: IdeState;
  /** Every file the last analysis read, with the version it read. */
  reads: Map<string, number | undefined>;
  /** Files the last publish sent diagnostics for. */
  published: Set<string>;
  dirty: boolean;
}

/** The targets' defaults from the editor's environment, as the Disnix tools read them. */
const TARGET_DEFAULTS = targetDefaultsFrom(process.env);

/** Bounds for evaluation while editing: a runaway model ends with a located error, quickly. */
const LIMITS = { maxSteps: 20_000_000, maxDepth: 5_000, maxAlloc: 50_000_000 };

export class Analyser {
  private readonly entries = new Map<string, Entry>();
  private pending: NodeJS.Immediate | undefined;

  constructor(
    private readonly docs: Documents,
    /** Where files not open in the editor are read. */
    private readonly disk: NixFiles,
    private readonly workspace: ModelWorkspace,
    private readonly publish: Publish,
    public settings: AnalyserSettings,
    private readonly log: (message: string) => void,
  ) {}

  /** A file was opened, changed or saved: re-analyse every deployment that reads it. */
  touched(path: string): void {
    const own = this.workspace.deploymentFor(path);
    if (own && this.workspace.roleOf(path)) this.entry(own).dirty = true;
    for (const e of this.entries.values()) if (e.reads.has(path)) e.dirty = true;
    this.schedule();
  }

  /** Re-analyses everything, e.g. after the settings or the chosen deployment changed. */
  invalidateAll(): void {
    for (const e of this.entries.values()) e.dirty = true;
    this.schedule();
  }

  /** The fresh analysis a model file is part of, for a request about it. */
  stateFor(path: string): IdeState | undefined {
    const files = this.workspace.deploymentFor(path);
    return files && this.stateOf(files);
  }

  /** The fresh analysis of a deployment. */
  stateOf(files: DeploymentFiles): IdeState | undefined {
    const entry = this.entry(files);
    if (entry.dirty || !entry.state) this.run(entry);
    return entry.state;
  }

  /** Runs whatever is pending now. */
  flush(): void {
    clearImmediate(this.pending);
    this.pending = undefined;
    for (const e of this.entries.values()) if (e.dirty) this.run(e);
  }

  private entry(files: DeploymentFiles): Entry {
    const id = deploymentId(files);
    let e = this.entries.get(id);
    if (!e) {
      e = { files, reads: new Map(), published: new Set(), dirty: true };
      this.entries.set(id, e);
    }
    return e;
  }

  /** After the I/O already queued: didChange messages that arrived during a run are applied first. */
  private schedule(): void {
    clearImmediate(this.pending);
    this.pending = setImmediate(() => this.flush());
  }

  private run(entry: Entry): void {
    entry.dirty = false;
    const reads = new Map<string, number | undefined>();
    // Each file is read once per run, however often the size check, loading and evaluation ask.
    const texts = new Map<string, string>();
    const open = withTexts((path) => this.docs.text(path), this.disk);
    const readText = (path: string) => {
      let text = texts.get(path);
      if (text === undefined) {
        reads.set(path, this.docs.version(path));
        text = open.readText(path);
        texts.set(path, text);
      }
      return text;
    };
    try {
      const tooLarge = this.oversizedFiles(entry.files, readText);
      if (tooLarge.length) {
        entry.state = undefined;
        this.send(entry, tooLarge);
        return;
      }
      const lastGood = entry.state?.stableModel;
      const analysis = analyseDeployment(entry.files, { files: { ...open, readText }, ignore: this.settings.ignore, limits: LIMITS, targetDefaults: TARGET_DEFAULTS, lastGood });
      entry.state = { analysis, stableModel: analysis.stableModel, text: readText };
      this.send(entry, analysis.diagnostics);
    } catch (e) {
      // A bug in the analysis must not take the server down; the model just goes unchecked.
      this.log(`analysis of ${Object.values(entry.files).join(', ')} failed: ${e instanceof Error ? e.stack : String(e)}`);
    } finally {
      entry.reads = reads;
    }
  }

  private oversizedFiles(files: DeploymentFiles, readText: (path: string) => string): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const path of Object.values(files) as string[]) {
      let text: string;
      try {
        text = readText(path);
      } catch {
        continue;
      }
      if (text.length <= this.settings.maxFileSize) continue;
      const source = new Source(path, text, path);
      out.push(diagnostic('file-too-large', `this file has ${text.length} characters, more than disnix.maxFileSize (${this.settings.maxFileSize}); the deployment is not analysed`, { source, start: 0, end: 0 }));
    }
    return out;
  }

  /** Publishes per file; a model file analysed as part of another deployment is left to that one. */
  private send(entry: Entry, diagnostics: Diagnostic[]): void {
    const byPath = new Map<string, Diagnostic[]>();
    for (const path of Object.values(entry.files) as string[]) byPath.set(path, []);
    for (const path of entry.published) byPath.set(path, []);
    for (const d of diagnostics) byPath.get(d.loc.source.path)?.push(d) ?? byPath.set(d.loc.source.path, [d]);
    const id = deploymentId(entry.files);
    entry.published = new Set();
    for (const [path, list] of byPath) {
      const owner = this.workspace.roleOf(path) ? this.workspace.deploymentFor(path) : entry.files;
      if (!owner || deploymentId(owner) !== id) continue;
      if (list.length) entry.published.add(path);
      this.publish(path, list, this.docs.version(path));
    }
  }
}
