// Where `listen --save` puts captures: one file per delivery, named so that `ls` shows them in arrival order.
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeCapture, type CaptureInput } from './capture.js';

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'unknown';

/** `20260101T000000.123Z-000001-customerglu-reward.json`: arrival time, sequence, provider, event. */
export function captureFileName(capture: { receivedAt: string; provider?: string | null; event?: string | null }, seq: number): string {
  const compact = capture.receivedAt.replace(/[-:]/g, '');
  return `${compact}-${String(seq).padStart(6, '0')}-${safeName(capture.provider ?? 'unknown')}-${safeName(capture.event ?? 'unknown')}.json`;
}

/** Writes to a temporary name then renames, so a reader never sees half a capture. Returns the path. */
export async function writeCapture(dir: string, capture: CaptureInput & { receivedAt: string }, seq: number): Promise<string> {
  const path = join(dir, captureFileName(capture, seq));
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeCapture(capture));
  await rename(tmp, path);
  return path;
}
