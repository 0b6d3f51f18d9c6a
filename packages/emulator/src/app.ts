import type { EmulatorConfig } from './config.ts';
import type { FaultTable } from './control/faults.ts';
import type { Recorder } from './control/recorder.ts';
import type { Market } from './market/market.ts';
import type { Backups } from './runtime/backups.ts';
import type { Fleet } from './runtime/fleet.ts';
import type { LogHub } from './runtime/log-hub.ts';
import type { PodHost } from './runtime/pod-host.ts';
import type { Templates } from './runtime/templates.ts';
import type { Store } from './state/store.ts';

/** What the routes work with: one running emulator's state and machinery. */
export interface App {
  config: EmulatorConfig;
  store: Store;
  market: Market;
  fleet: Fleet;
  host: PodHost;
  logs: LogHub;
  templates: Templates;
  backups: Backups;
  faults: FaultTable;
  recorder: Recorder;
}
