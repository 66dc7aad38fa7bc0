// The one scheduling rule for (de)activations, as disnix-activate forks them: a job may start
// once the jobs it waits for are done, and each target runs at most its capacity (`numOfCores`)
// at once. The plan replays it with instant jobs to number its rounds; the executor runs it
// live, so the order printed is the order a deployment keeps.

import { WaitGraph } from './wait-graph';

export interface Job {
  key: string;
  target: string;
  /** Among ready jobs, the lower order starts first (so plans and runs are reproducible). */
  order: string;
  /** Keys of the jobs this one waits for; keys of jobs outside the queue are ignored. */
  waitsFor: string[];
}

export class JobQueue<J extends Job> {
  private readonly byKey: Map<string, J>;
  private readonly graph: WaitGraph;
  private ready: J[];
  private readonly running = new Map<string, number>();
  private taken = 0;

  constructor(
    jobs: J[],
    private readonly capacity: (target: string) => number,
  ) {
    this.byKey = new Map(jobs.map((j) => [j.key, j]));
    this.graph = new WaitGraph(this.byKey.keys(), (k) => this.byKey.get(k)!.waitsFor);
    this.ready = this.graph.ready().map((k) => this.byKey.get(k)!);
  }

  /** Starts every ready job its target has room for, lowest order first. */
  take(): J[] {
    this.ready.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const started: J[] = [];
    const later: J[] = [];
    for (const j of this.ready) {
      const n = this.running.get(j.target) ?? 0;
      if (n >= Math.max(1, this.capacity(j.target))) later.push(j);
      else {
        this.running.set(j.target, n + 1);
        started.push(j);
      }
    }
    this.ready = later;
    this.taken += started.length;
    return started;
  }

  /** A started job ended: its target has room again; when it succeeded, what waited for it may start. */
  end(job: J, succeeded: boolean): void {
    this.running.set(job.target, this.running.get(job.target)! - 1);
    if (succeeded) for (const k of this.graph.finish(job.key)) this.ready.push(this.byKey.get(k)!);
  }

  /** Jobs never started: after the queue drains, those a dependency cycle (or a failure) held back. */
  get left(): number {
    return this.byKey.size - this.taken;
  }
}

/** The round each job runs in when every job takes the same time: the plan's view of the order. */
export function rounds<J extends Job>(jobs: J[], capacity: (target: string) => number): [J, number][] {
  const queue = new JobQueue(jobs, capacity);
  const out: [J, number][] = [];
  for (let round = 1; ; round++) {
    const batch = queue.take();
    if (batch.length === 0) break;
    for (const j of batch) out.push([j, round]);
    for (const j of batch) queue.end(j, true);
  }
  // A cycle leaves jobs behind; the models' validation refuses cyclic dependsOn before this.
  return out;
}
