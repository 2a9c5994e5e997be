// One controller per process owns start order and shutdown (as zigbee2mqtt's Controller does):
// components start in order, stop in reverse, and one failing stop cannot block the others.
import type { Logger } from 'pino';

export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class Controller {
  private readonly components: Component[] = [];
  private started: Component[] = [];
  private readonly log: Logger;
  private stopping: Promise<void> | undefined;
  constructor(log: Logger) {
    this.log = log;
  }

  add<C extends Component>(component: C): C {
    this.components.push(component);
    return component;
  }

  async start(): Promise<void> {
    for (const c of this.components) {
      try {
        await c.start();
        this.started.push(c);
        this.log.debug({ component: c.name }, 'started');
      } catch (err) {
        this.log.error({ err, component: c.name }, 'start failed; stopping what started');
        await this.stop();
        throw err;
      }
    }
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const c of [...this.started].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          this.log.error({ err, component: c.name }, 'stop failed');
        }
      }
      this.started = [];
    })();
    return this.stopping;
  }
}

/**
 * Starts the controller and stops it on SIGTERM/SIGINT, then exits 0 (Kubernetes sends SIGTERM; a
 * second signal exits at once). A bug that escapes every guard is logged and ends the process with 1
 * so that Kubernetes restarts it, rather than leaving it half alive.
 */
export async function runUntilSignal(controller: Controller, log: Logger): Promise<void> {
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, 'shutting down');
    controller.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  const fatal = (err: unknown) => {
    log.fatal({ err }, 'unexpected error; stopping');
    controller.stop().finally(() => process.exit(1));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  await controller.start();
}
