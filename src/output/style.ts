import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance } from 'chalk';
import { stdoutFileSink } from './stdout.js';

/**
 * The colour level for a stream. A request for no colour wins: `--no-color` or NO_COLOR (no-color.org) over
 * FORCE_COLOR=1, which many CI systems export for every step (chalk alone lets FORCE_COLOR win over both).
 */
export function colorLevel(detected: { level: number } | false, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): 0 | 1 | 2 | 3 {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.includes('--no-color') || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 0;
  return (detected ? detected.level : 0) as 0 | 1 | 2 | 3;
}
const level = (detected: { level: number } | false) => colorLevel(detected);

/** Colours for stdout (tables, data) and stderr (progress, diagnostics). */
export const out: ChalkInstance = new Chalk({ level: level(supportsColor) });
export const err: ChalkInstance = new Chalk({ level: level(supportsColorStderr) });

export function writeOut(text: string): void {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  // Into a file, every byte written or one clear error (a full disk): output/stdout.ts.
  const file = stdoutFileSink();
  if (file !== null) void file.write(Buffer.from(line, 'utf8'));
  else process.stdout.write(line);
}
export function writeErr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Pads to a width measured without ANSI colour codes. */
export function pad(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*m/g, '').length;
  return visible >= width ? text : text + ' '.repeat(width - visible);
}

/** A plain table: header row, then rows; columns sized to fit. */
export function table(header: string[], rows: string[][], style: ChalkInstance = out): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export { mask } from '../core/redact.js';
