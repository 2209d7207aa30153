/** Exit codes, the same in every command (see README "Exit codes"). */
export const EXIT = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  network: 3,
  interrupted: 130,
} as const;

/**
 * An error meant for the user: one clear line, a machine-readable code for `--json`, and the exit code.
 * Anything else that reaches the top-level handler is a bug and is reported as such.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
    /** A next step, shown after the message ("run `cg-hooks providers` to see them"). */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(code: string, message: string, hint?: string) {
    super(EXIT.usage, code, message, hint);
  }
}

export class NetworkError extends CliError {
  constructor(code: string, message: string, hint?: string) {
    super(EXIT.network, code, message, hint);
  }
}

export class CheckFailedError extends CliError {
  constructor(code: string, message: string, hint?: string) {
    super(EXIT.checkFailed, code, message, hint);
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super(EXIT.interrupted, 'interrupted', 'interrupted');
  }
}
