// Writing to stdout without making process.stdout (src/output/stdout.ts) and knowing a terminal without node:tty
// (src/output/terminal.ts): what `generate` writes and how the CLI decides newlines and colours must be exactly
// what the stream and tty.isatty gave. Unit checks against tty.isatty on every kind of descriptor, the sink's
// hand-over to the stream on EAGAIN, and the built binary on a real terminal (util-linux `script`), a pipe and a
// full disk.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { afterAll, describe, expect, it } from 'vitest';
import { stdoutSink, writeWholeToFile } from '../src/output/stdout.js';
import { isTerminal } from '../src/output/terminal.js';
import { BIN } from './helpers/cli.js';
import { withTmpfs } from './helpers/tmpfs.js';

const work = mkdtempSync(join(tmpdir(), 'cg-stdout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const errno = (code: string) => Object.assign(new Error(`${code}: test`), { code });

describe('isTerminal: tty.isatty without loading node:tty for what is plainly not a terminal', () => {
  it('answers as tty.isatty for a file, /dev/null, /dev/zero, a FIFO, a pseudo-terminal and closed or odd descriptors', () => {
    const fifo = join(work, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const fds = {
      file: openSync(join(work, 'file'), 'w'),
      null: openSync('/dev/null', 'w'),
      zero: openSync('/dev/zero', 'r'),
      fifo: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK),
      ptmx: openSync('/dev/ptmx', constants.O_RDWR | constants.O_NOCTTY),
    };
    try {
      for (const [kind, fd] of Object.entries(fds)) expect([kind, isTerminal(fd)]).toEqual([kind, isatty(fd)]);
      expect(isatty(fds.ptmx)).toBe(true); // the case that must still reach tty.isatty
      const closed = openSync('/dev/null', 'r');
      closeSync(closed);
      for (const fd of [closed, -1, 1.5, 2 ** 31, Number.NaN]) expect([fd, isTerminal(fd)]).toEqual([fd, isatty(fd)]);
    } finally {
      for (const fd of Object.values(fds)) closeSync(fd);
    }
  });
});

/** A stand-in for process.stdout: takes bytes, says whether it wants a drain. */
function fakeStream(full = false) {
  const got: Buffer[] = [];
  const stream = {
    writableLength: 0,
    destroyed: false,
    write: (b: Uint8Array) => (got.push(Buffer.from(b)), !full),
    once() {
      return stream;
    },
    off() {
      return stream;
    },
  };
  return { got, stream: stream as unknown as NodeJS.WriteStream };
}

describe('stdoutSink: straight to the descriptor, the stream when it would block', () => {
  it('finishes a partial write, then hands the rest and everything after to the stream on EAGAIN, in order', () => {
    const direct: Buffer[] = [];
    let calls = 0;
    const { got, stream } = fakeStream();
    const sink = stdoutSink({
      write: ((_fd: number, b: Uint8Array, at: number, n: number) => {
        calls++;
        if (calls === 3) throw errno('EAGAIN');
        const take = Math.min(n, 3); // a short write every time
        direct.push(Buffer.from(b.subarray(at, at + take)));
        return take;
      }) as never,
      stream: () => stream,
    });
    expect(sink.write(Buffer.from('abcdefghij'))).toBeUndefined();
    sink.write(Buffer.from('KLM'));
    expect(Buffer.concat(direct).toString()).toBe('abcdef');
    expect(Buffer.concat(got).toString()).toBe('ghijKLM');
    expect(calls).toBe(3); // nothing more tried on the descriptor once the stream has bytes
    expect(sink.gone()).toBe(false);
  });

  it('waits for the stream to drain once it is full (bounded memory with a slow reader)', () => {
    const { stream } = fakeStream(true);
    const sink = stdoutSink({ write: (() => { throw errno('EAGAIN'); }) as never, stream: () => stream });
    expect(sink.write(Buffer.from('x'))).toBeInstanceOf(Promise);
  });

  it('a reader gone (EPIPE) is thrown as it is (the CLI ends quietly); a full disk is one clear error, exit 2', () => {
    const failing = (code: string) => stdoutSink({ write: (() => { throw errno(code); }) as never, stream: () => fakeStream().stream });
    expect(() => failing('EPIPE').write(Buffer.from('x'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
    expect(() => failing('ENOSPC').write(Buffer.from('x'))).toThrow(
      expect.objectContaining({ exitCode: 2, code: 'unwritable_output', message: 'stdout: cannot write: no space left on the device' }),
    );
  });
});

describe('writeWholeToFile: process.stdout on a file writes every byte or fails', () => {
  /** A file stream stand-in: Node's own for a file writes each chunk with one writeSync and ignores a short count. */
  const fileStream = (fd: number) => ({ fd, _write: (_c: unknown, _e: unknown, done: () => void) => done() }) as unknown as NodeJS.WriteStream;
  const call = (s: NodeJS.WriteStream, chunk: unknown, encoding: BufferEncoding = 'utf8') =>
    new Promise<Error | null | undefined>((resolve) => (s as unknown as { _write: (c: unknown, e: string, d: (e?: Error | null) => void) => void })._write(chunk, encoding, resolve));

  it('finishes short writes (bytes and text alike), and leaves pipes and terminals alone', async () => {
    const fd = openSync(join(work, 'whole'), 'w');
    try {
      const got: Buffer[] = [];
      // Three bytes at a time: every write is short.
      const short = ((_: number, b: Uint8Array, at: number, n: number) => (got.push(Buffer.from(b.subarray(at, at + Math.min(3, n)))), Math.min(3, n))) as never;
      const s = fileStream(fd);
      writeWholeToFile(s, short);
      expect(await call(s, Buffer.from('{"a":"ü"}\n'))).toBeUndefined();
      expect(await call(s, 'ß €\n', 'utf8')).toBeUndefined();
      expect(Buffer.concat(got).toString()).toBe('{"a":"ü"}\nß €\n');
      const pipe = fileStream(openSync('/dev/null', 'w'));
      const before = (pipe as unknown as { _write: unknown })._write;
      writeWholeToFile(pipe, short);
      expect((pipe as unknown as { _write: unknown })._write).toBe(before);
    } finally {
      closeSync(fd);
    }
  });

  it('a failed write goes to the stream as the system error and is kept for the exit as one line', async () => {
    const fd = openSync(join(work, 'failing'), 'w');
    try {
      const s = fileStream(fd);
      writeWholeToFile(s, (() => { throw errno('ENOSPC'); }) as never);
      expect(await call(s, Buffer.from('x'))).toMatchObject({ code: 'ENOSPC' });
      const { stdoutFailure } = await import('../src/output/stdout.js');
      expect(stdoutFailure()).toMatchObject({ code: 'unwritable_output', exitCode: 2, message: 'stdout: cannot write: no space left on the device' });
    } finally {
      closeSync(fd);
    }
  });
});

function shell(script: string, env: Record<string, string | undefined> = {}) {
  return spawnSync('/bin/bash', ['-c', script], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NODE_BIN: process.execPath, CG_BIN: BIN, NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined, TERM: 'xterm-256color', ...env },
  });
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('the built binary', () => {
  it.runIf(hasScript)('on a terminal: a newline after one delivery, and colours (chalk still sees the terminal)', () => {
    const r = shell(`script -qefc '"$NODE_BIN" "$CG_BIN" generate customerglu reward --seed 1; "$NODE_BIN" "$CG_BIN" generate customerglu nope' /dev/null`);
    const piped = shell('"$NODE_BIN" "$CG_BIN" generate customerglu reward --seed 1');
    expect(r.stdout.startsWith(`${piped.stdout}\r\n`)).toBe(true);
    expect(r.stdout).toContain('\x1b[31merror:');
  });

  it('through a pipe and into a file: the same bytes, no newline, no colour', () => {
    const file = join(work, 'one.json');
    const r = shell(`"$NODE_BIN" "$CG_BIN" generate customerglu reward --seed 1 > ${file} && cat ${file}; echo; "$NODE_BIN" "$CG_BIN" generate customerglu nope 2>&1 | cat`);
    const [fromFile, error] = r.stdout.split('\n');
    expect(fromFile).toBe(shell('"$NODE_BIN" "$CG_BIN" generate customerglu reward --seed 1 | cat').stdout);
    expect(error).toMatch(/^error: /);
  });

  it('stdout on a device that refuses every byte (/dev/full): sign, keygen, schema, providers, help exit 2 with one line, never 0', () => {
    const said = 'error: stdout: cannot write: no space left on the device\nhint: free some space on that device, or send the output somewhere else\n';
    const body = join(work, 'full-body.json');
    writeFileSync(body, '{"a":1}');
    for (const args of [`sign --scheme github --body ${body} --secret s`, `sign --scheme github --body ${body} --secret s --json`, 'schema mgpass', 'providers', '--help']) {
      const r = shell(`"$NODE_BIN" "$CG_BIN" ${args} > /dev/full`, { NO_COLOR: '1' });
      expect([args, r.status, r.stderr]).toEqual([args, 2, said]);
    }
    // keygen's key never reached anyone: the exit says so (before: exit 0 under "the secret above is printed once").
    const key = shell('"$NODE_BIN" "$CG_BIN" keygen --scheme mgpass > /dev/full', { NO_COLOR: '1' });
    expect([key.status, key.stderr.endsWith(said)]).toEqual([2, true]);
  });

  it('a full disk under stdout (`generate`, and a command writing its output in one piece): one line, exit 2', (ctx) => {
    const dir = join(work, 'full');
    withTmpfs(ctx, dir, '64k', () => {
      const said = 'error: stdout: cannot write: no space left on the device\nhint: free some space on that device, or send the output somewhere else\n';
      const r = shell(`"$NODE_BIN" "$CG_BIN" generate customerglu reward --count 2000 > ${dir}/out.ndjson`, { NO_COLOR: '1' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(said);
      // A command that writes its output in one piece (18 KB into the 8 KB left), --json too: the error
      // goes to stderr, since stdout is what failed. Before: 4,096 bytes written and exit 0.
      const filler = shell(`rm ${dir}/out.ndjson; head -c 56000 /dev/zero > ${dir}/filler; "$NODE_BIN" "$CG_BIN" providers --json > ${dir}/providers.json`, { NO_COLOR: '1' });
      expect(filler.status).toBe(2);
      expect(filler.stderr).toBe(said);
      // Output written through process.stdout (a schema, commander's help, an error object under --json, the
      // version): one full page left, so the first byte fails. Before: exit 0 (the version: a stack trace).
      const full = (args: string) => shell(`rm -f ${dir}/*; head -c 65536 /dev/zero > ${dir}/filler 2>/dev/null; "$NODE_BIN" "$CG_BIN" ${args} > ${dir}/out`, { NO_COLOR: '1' });
      for (const args of ['schema customerglu', '--help', 'generate --help', '--version']) {
        const r = full(args);
        expect([args, r.status, r.stderr]).toEqual([args, 2, said]);
      }
      // The error object that could not be written is said on stderr, and then why.
      const lost = full('generate nope reward --json');
      expect(lost.status).toBe(2);
      expect(lost.stderr).toBe(`error: unknown provider "nope"; valid providers: customerglu, customerglu-events, segment, moengage, clevertap, webengage, rehook, mgpass, reward\nhint: run \`cg-hooks providers\` to see every provider and its events\n${said}`);
      const unknown = full('nope --json');
      expect(unknown.stderr).toBe(`error: unknown command 'nope'\nhint: see \`cg-hooks --help\`\n${said}`);
      // Part of a schema fits, the rest does not: the part is there, and the exit says the rest is not.
      const part = shell(`rm -f ${dir}/*; head -c 61440 /dev/zero > ${dir}/filler; "$NODE_BIN" "$CG_BIN" schema customerglu > ${dir}/out`, { NO_COLOR: '1' });
      expect([part.status, part.stderr, readFileSync(join(dir, 'out')).length]).toEqual([2, said, 4096]);
    });
  });
});
