import { type Executor, generateExecutors } from './executor.ts';
import { type ExecutorQuery, filterExecutors } from './filter.ts';

/** The seeded list of nodes; which ones are rented lives in the store. */
export class Market {
  readonly executors: readonly Executor[];
  private readonly byId: Map<string, Executor>;

  constructor(seed: number, count: number, host: string) {
    this.executors = generateExecutors(seed, count, host);
    this.byId = new Map(this.executors.map((e) => [e.id, e]));
  }

  get(id: string): Executor | undefined {
    return this.byId.get(id.toLowerCase());
  }

  list(query: ExecutorQuery, rented: ReadonlySet<string>): Executor[] {
    return filterExecutors(
      this.executors.filter((e) => !rented.has(e.id)),
      query,
    );
  }

  machineNames(): string[] {
    return [...new Set(this.executors.map((e) => e.machine_name))].sort();
  }
}
