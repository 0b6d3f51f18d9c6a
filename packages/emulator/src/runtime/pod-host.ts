import { rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  type Isolation,
  type PodFaults,
  type PodServer,
  type PodSshServer,
  type SandboxMode,
  startOpensshPodServer,
  startPodServer,
} from '../pods/index.ts';

export interface PodStartRequest {
  podId: string;
  hostKey: string;
  authorizedKeys: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Port to reuse (after a reboot or a restart of the emulator); a free one when taken or null. */
  sshPort: number | null;
  /** internal port → external port to reuse (0 = any). */
  extraPorts: Readonly<Record<string, number>>;
  faults: PodFaults;
}

export interface StartedPod {
  sshPort: number;
  extraPorts: Record<string, number>;
  isolation: Isolation;
}

interface Running {
  server: PodServer;
  forwarders: Server[];
}

/**
 * Runs the pods' SSH servers (from `src/pods`) and, for every other mapped port, a TCP relay
 * from the external port to the pod's internal port on the same host, so `ports_mapping` really
 * leads to what the pod listens on.
 */
export class PodHost {
  private readonly running = new Map<string, Running>();
  private readonly host: string;
  private readonly dataRoot: string;
  private readonly sandbox: SandboxMode;
  private readonly podSsh: PodSshServer;
  private readonly onLog: (podId: string, line: string) => void;
  private readonly hiddenHostDirs: readonly string[];

  constructor(options: {
    host: string;
    dataRoot: string;
    /** Hidden inside every pod's sandbox: all pods' data, backups and the state file (host keys). */
    hiddenHostDirs: readonly string[];
    sandbox: SandboxMode;
    /** The pods' SSH server (default ssh2, the emulator's own). */
    podSsh?: PodSshServer;
    onLog: (podId: string, line: string) => void;
  }) {
    this.host = options.host;
    this.dataRoot = options.dataRoot;
    this.sandbox = options.sandbox;
    this.podSsh = options.podSsh ?? 'ssh2';
    this.onLog = options.onLog;
    this.hiddenHostDirs = options.hiddenHostDirs;
  }

  dataDir(podId: string): string {
    return join(this.dataRoot, podId);
  }

  isolation(podId: string): Isolation | undefined {
    return this.running.get(podId)?.server.isolation;
  }

  async start(request: PodStartRequest): Promise<StartedPod> {
    await this.stop(request.podId);
    const server = await this.startServer(request);
    const forwarders: Server[] = [];
    const extraPorts: Record<string, number> = {};
    try {
      for (const [internal, external] of Object.entries(request.extraPorts)) {
        const forwarder = await listenRelay(this.host, external, Number(internal));
        forwarders.push(forwarder);
        extraPorts[internal] = portOf(forwarder);
      }
    } catch (error) {
      await server.close();
      for (const f of forwarders) f.close();
      throw error;
    }
    server.setFaults(request.faults);
    this.running.set(request.podId, { server, forwarders });
    return { sshPort: server.port, extraPorts, isolation: server.isolation };
  }

  private async startServer(request: PodStartRequest): Promise<PodServer> {
    const options = {
      podId: request.podId,
      dataDir: this.dataDir(request.podId),
      authorizedKeys: request.authorizedKeys,
      hostKey: request.hostKey,
      host: this.host,
      env: request.env,
      sandbox: this.sandbox,
      hiddenHostDirs: this.hiddenHostDirs,
      onLog: (line: string) => this.onLog(request.podId, line),
    };
    const startServer = this.podSsh === 'openssh' ? startOpensshPodServer : startPodServer;
    if (request.sshPort !== null && request.sshPort > 0) {
      try {
        return await startServer({ ...options, port: request.sshPort });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    return startServer({ ...options, port: 0 });
  }

  /** Runs a command in a running pod outside any SSH session (see `PodServer.run`); undefined when the pod is not running. */
  run(
    podId: string,
    command: string,
    onLine: (line: string) => void,
  ): Promise<number | null> | undefined {
    return this.running.get(podId)?.server.run(command, onLine);
  }

  setFaults(podId: string, faults: PodFaults): void {
    this.running.get(podId)?.server.setFaults(faults);
  }

  async stop(podId: string): Promise<void> {
    const running = this.running.get(podId);
    if (running === undefined) return;
    this.running.delete(podId);
    await Promise.all([
      running.server.close(),
      ...running.forwarders.map((f) => new Promise<void>((resolve) => f.close(() => resolve()))),
    ]);
  }

  async removeData(podId: string): Promise<void> {
    await rm(this.dataDir(podId), { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }
}

function listenRelay(host: string, port: number, targetPort: number): Promise<Server> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((inbound) => {
    const outbound = createConnection({ host, port: targetPort });
    sockets.add(inbound);
    sockets.add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const cleanup = (): void => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', cleanup).on('close', cleanup);
    outbound.on('error', cleanup).on('close', cleanup);
  });
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return new Promise((resolve, reject) => {
    const tryListen = (p: number): void => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE' && p !== 0) tryListen(0);
        else reject(error);
      });
      server.listen(p, host, () => {
        server.removeAllListeners('error');
        resolve(server);
      });
    };
    tryListen(port);
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
