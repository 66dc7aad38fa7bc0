// What each service instance is doing right now, as far as the coordinator knows: from the
// steps of a deployment under way (activating, running, failed, ...) and from asking the
// targets what runs there (`dnx query`: the profile, and what each service's module says it is
// doing). The editor colours the deployment graph with it. Instances are named as in the graph:
// `target/container/name`.

import { instanceId } from '../plan/graph';
import type { DeployEvent } from './events';
import type { ServiceStatus } from './service-status';

/** `unknown`: installed, but its activation module cannot tell whether it runs. */
export type LiveState = 'running' | 'activating' | 'deactivating' | 'stopped' | 'failed' | 'unknown';

export interface LiveStates {
  /** Instance id -> state. */
  states: Record<string, LiveState>;
  /** Instance id -> what the target said of it, in words (how it ended, where its log is). */
  details: Record<string, string>;
  /** Targets whose every running service is known: an instance there without a state is not running. */
  known: string[];
}

/** One instance's state after a deployment step, or undefined when the step says nothing about it. */
export function stateAfter(e: DeployEvent): LiveState | undefined {
  if (!e.activity || !e.service) return undefined;
  if (e.state === 'failed') return 'failed';
  if (e.activity === 'activate') return e.state === 'start' ? 'activating' : 'running';
  return e.state === 'start' ? 'deactivating' : 'stopped';
}

export class LiveStateBook {
  private readonly states = new Map<string, LiveState>();
  private readonly details = new Map<string, string>();
  private readonly known = new Set<string>();

  constructor(private readonly changed: () => void = () => undefined) {}

  /** A deployment step: the instance it is about changes state. */
  step(e: DeployEvent): void {
    const state = stateAfter(e);
    if (!state || !e.target || !e.container || !e.service) return;
    const id = instanceId(e.target, e.container, e.service);
    this.states.set(id, state);
    this.details.delete(id);
    this.changed();
  }

  /**
   * What a target's profile holds, each with what it is doing if the target can tell: these
   * are installed there, and nothing else runs.
   */
  installed(target: string, services: (Pick<ServiceStatus, 'name' | 'container'> & Partial<ServiceStatus>)[]): void {
    this.forget(target);
    this.known.add(target);
    for (const s of services) {
      const id = instanceId(target, s.container, s.name);
      this.states.set(id, s.state ?? 'unknown');
      const detail = [s.detail, s.log && `log: ${s.log}`].filter(Boolean).join('; ');
      if (detail) this.details.set(id, detail);
    }
    this.changed();
  }

  /** A target that could not be asked: nothing is known about it. */
  unknown(target: string): void {
    this.forget(target);
    this.changed();
  }

  snapshot(): LiveStates {
    return { states: Object.fromEntries(this.states), details: Object.fromEntries(this.details), known: [...this.known].sort() };
  }

  private forget(target: string): void {
    this.known.delete(target);
    for (const map of [this.states, this.details]) for (const id of map.keys()) if (id.startsWith(`${target}/`)) map.delete(id);
  }
}
