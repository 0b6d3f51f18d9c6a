export type { EmulatorControl, PodInspection } from './control/control.ts';
export type { RouteFault, RouteFaultSpec } from './control/faults.ts';
export type { RecordedRequest, RequestFilter } from './control/recorder.ts';
export { type Emulator, type EmulatorOptions, startEmulator } from './emulator.ts';
export { EmulatorError } from './errors.ts';
export {
  generateHostKey,
  opensshPodsUnavailable,
  type PodFaults,
  type PodServer,
  type PodServerOptions,
  type PodSshServer,
  startOpensshPodServer,
  startPodServer,
} from './pods/index.ts';
export type { PodFaultSpec } from './runtime/fleet.ts';
export { DEFAULT_PYTORCH_TEMPLATE_ID } from './state/initial.ts';
