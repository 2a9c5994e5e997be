// up's log: one JSON file for every part up runs in its process, each with its own logger (named
// after its service) and its own metrics registry. Kept after the run (--log-file, by default under
// XDG_STATE_HOME). Opened when Up is made, not by a component: the Controller logs from the first
// start on, and a start that fails says where to read why.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLogger, createRegistry, type Logger, type ServiceRuntime } from '@kubeblink/core';
import { defaultLogFile } from './paths.ts';

export class UpLog {
  readonly file: string;
  /** up's own logger (service "up"). */
  readonly log: Logger;
  private readonly to: NodeJS.WritableStream;
  private readonly level: string;

  constructor(file: string | undefined, level: string) {
    this.file = file ?? defaultLogFile();
    this.level = level;
    mkdirSync(dirname(this.file), { recursive: true });
    this.to = createWriteStream(this.file, { flags: 'w' });
    this.log = createLogger({ service: 'up', level, format: 'json', destination: this.to });
  }

  /** What one part run in up's process logs to (this file) and counts on (a registry of its own). */
  runtime(service: string, instance: string): ServiceRuntime {
    return {
      service,
      instance,
      log: createLogger({ service, level: this.level, format: 'json', destination: this.to }),
      registry: createRegistry(service, false),
    };
  }

  /** A file beside up's log: it outlives the run too (the pod runner's log, for a runner that failed). */
  beside(name: string): string {
    return join(dirname(this.file), name);
  }
}
