// up's scratch directory: the broker's password files, a kubeconfig pinned to a named context, the
// pod runner's state. Its name is fixed when Up is made (the parts are given it then); it is made at
// start, before the parts that write there, and removed at stop, after them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '@kubeblink/core';

export class WorkDir implements Component {
  readonly name = 'work-dir';
  readonly path: string;

  constructor(base = tmpdir()) {
    this.path = join(base, `kubeblink-up-${randomBytes(6).toString('hex')}`);
  }

  async start(): Promise<void> {
    // 0o700 as mkdtemp: the password files in it are for this user only.
    mkdirSync(this.path, { mode: 0o700 });
  }

  async stop(): Promise<void> {
    rmSync(this.path, { recursive: true, force: true });
  }
}
