// What a deployment in progress changes, written down as it goes. A deployment that ends
// cleanly (deployed, or everything undone) deletes its journal. One that does not (the
// coordinator was killed, or a target could not be reached to undo a change) leaves it, and
// the next deployment starts from what the journal says runs, not from the last generation:
// that is how it converges. One JSON object per line, each synced before the step it records
// goes on, so a crash loses at most the line being written.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { mappingKey, type Manifest, type ServiceMapping } from '../plan/types';

export type JournalStep = 'activate' | 'deactivate';

interface Header {
  from: Manifest;
  to: Manifest;
  owner: string;
}

interface Entry {
  step: JournalStep;
  key: string;
  state: 'start' | 'done';
}

export interface InterruptedDeployment extends Header {
  entries: Entry[];
}

export class DeployJournal {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** Starts the journal of a deployment from `from` to `to`, replacing an older one. */
  begin(from: Manifest, to: Manifest, owner: string): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o644);
    writeSync(fd, JSON.stringify({ from, to, owner } satisfies Header) + '\n');
    fsyncSync(fd);
    renameSync(tmp, this.file);
    this.fd = fd;
  }

  record(step: JournalStep, m: ServiceMapping, state: Entry['state']): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify({ step, key: mappingKey(m), state } satisfies Entry) + '\n');
    fsyncSync(this.fd);
  }

  /** The deployment ended cleanly: what runs is what the coordinator profile says. */
  finish(): void {
    this.close();
    rmSync(this.file, { force: true });
  }

  /** Stops writing and keeps the journal for the next deployment. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The deployment this journal was left by, if one did not end cleanly. */
  read(): InterruptedDeployment | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const [head, ...lines] = text.split('\n');
    let header: Header;
    try {
      header = JSON.parse(head) as Header;
    } catch {
      return undefined; // cut short before its first line was synced: nothing was changed yet
    }
    const entries: Entry[] = [];
    for (const line of lines) {
      try {
        entries.push(JSON.parse(line) as Entry);
      } catch {
        break; // the line being written when the coordinator died
      }
    }
    return { ...header, entries };
  }
}

/**
 * What may run after an interrupted deployment, as a manifest to deploy `desired` from: every
 * service of both ends, and as mappings the instances that run. A step that started and did
 * not finish leaves its instance in an unknown state; it counts as running exactly when
 * `desired` does not want it, so the next deployment does that step again (activation and
 * deactivation are idempotent, as Dysnomia's modules are).
 */
export function whatRuns(j: InterruptedDeployment, desired: Manifest): Manifest {
  const all = new Map<string, ServiceMapping>();
  for (const m of [...j.from.serviceMappings, ...j.to.serviceMappings]) all.set(mappingKey(m), m);
  const running = new Map<string, boolean | undefined>(j.from.serviceMappings.map((m) => [mappingKey(m), true]));
  for (const e of j.entries) running.set(e.key, e.state === 'start' ? undefined : e.step === 'activate');
  const wanted = new Set(desired.serviceMappings.map(mappingKey));
  const runs = [...all].filter(([k]) => running.get(k) ?? (running.has(k) ? !wanted.has(k) : false)).map(([, m]) => m);
  return {
    ...j.from,
    services: { ...j.from.services, ...j.to.services },
    infrastructure: { ...j.to.infrastructure, ...j.from.infrastructure },
    serviceMappings: runs,
  };
}
