// `kubeblink broker hash-password`: the password never appears in argv (process lists, shell history).
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { hashPassword } from './password.ts';

async function readLine(input: NodeJS.ReadableStream): Promise<string> {
  const rl = createInterface({ input, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function prompt(question: string): Promise<string> {
  let muted = false;
  // Echo the prompt, not the keystrokes.
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = rl.question(question);
  muted = true;
  const line = await answer;
  rl.close();
  process.stderr.write('\n');
  return line;
}

/** Returns the exit code. */
export async function hashPasswordCommand(): Promise<number> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt('Password: ');
    if ((await prompt('Again: ')) !== password) {
      console.error('kubeblink broker hash-password: the passwords differ');
      return 1;
    }
  } else {
    password = await readLine(process.stdin);
  }
  if (password.length === 0) {
    console.error('kubeblink broker hash-password: empty password');
    return 1;
  }
  console.log(await hashPassword(password));
  return 0;
}
