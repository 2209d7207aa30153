// `cg-hooks listen` in human mode (no --json) as a subprocess: its URL once it says "ready on", its output at exit.
import { spawn } from 'node:child_process';
import { BIN } from './cli.js';

/** Resolves with the URL once `listen` says "ready on"; `exited` gives its output at exit. */
export function humanListen(args: string[]): Promise<{ url: string; exited: Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      const m = /ready on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ url: m[1]!, exited });
    });
    void exited.then((r) => reject(new Error(`listen exited (${r.code}) before ready: ${r.stderr}`)));
  });
}
