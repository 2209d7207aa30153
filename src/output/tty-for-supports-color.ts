// What chalk's supports-color gets for `node:tty` in the CLI's build (scripts/build-cli.mjs): it only calls
// isatty(1) and isatty(2) when chalk is first imported, and the real module would load net and stream for that.
// Same answers (output/terminal.ts), so colours are decided exactly as before.
import { isTerminal } from './terminal.js';

export default { isatty: isTerminal };
