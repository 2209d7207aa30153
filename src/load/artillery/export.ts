// Writes the self-contained directory `cg-hooks export artillery` makes: script, processor, config, corpus, README.
import { existsSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveDirProblem } from '../../core/save-dir.js';
import type { ProviderDef } from '../../providers/types.js';
import { writeCorpus, type MapPayload } from './corpus.js';
import { FILES, processorConfig, processorSource, scriptYaml, type ScriptSettings } from './files.js';
import { readme } from './readme.js';

export interface ArtilleryExport extends ScriptSettings {
  providerDef: ProviderDef;
  dir: string;
  /** The command line that made it, secrets excluded, for the README. */
  command: string;
  mapPayload?: MapPayload;
}

export interface ExportCallbacks {
  onCorpusProgress?(done: number, total: number): void;
}

export interface ExportResult {
  dir: string;
  files: Array<{ name: string; bytes: number }>;
  corpus: { entries: number; bytes: number };
}

/** The files of an export already in `dir` (an export refuses to overwrite them unless told to). */
export function existingExportFiles(dir: string): string[] {
  return Object.values(FILES).filter((name) => existsSync(join(dir, name)));
}

/**
 * Written aside (exclusively: never through a symlink) and renamed over the name: `--force` replaces a symlink
 * planted in the directory (a cloned repository's `processor.cjs -> ~/.bashrc`) instead of writing to its target.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  await rm(partial, { force: true });
  try {
    await writeFile(partial, text, { encoding: 'utf8', flag: 'wx' });
    await rename(partial, path);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
}

export async function exportArtillery(o: ArtilleryExport, callbacks: ExportCallbacks = {}): Promise<ExportResult> {
  // Made one level at a time and checked writable (Node's recursive mkdir spins forever under /proc).
  const why = await saveDirProblem(o.dir);
  if (why !== undefined) throw Object.assign(new Error(why), { code: 'EUNUSABLEDIR' });
  // The corpus is the long part: written aside and renamed, so an interrupted export leaves no half corpus behind.
  const partial = join(o.dir, `${FILES.corpus}.partial`);
  await rm(partial, { force: true });
  let corpus: { entries: number; bytes: number };
  try {
    corpus = await writeCorpus(
      partial,
      { provider: o.providerDef, events: o.events, size: o.corpusSize, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.mapPayload ? { mapPayload: o.mapPayload } : {}) },
      callbacks.onCorpusProgress,
    );
    await rename(partial, join(o.dir, FILES.corpus));
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  const texts: Array<[string, string]> = [
    [FILES.script, scriptYaml(o)],
    [FILES.processor, processorSource(o.madeBy, o.secretEnv)],
    [FILES.config, processorConfig(o)],
    [FILES.readme, readme(o, o.command)],
  ];
  for (const [name, text] of texts) await replaceFile(join(o.dir, name), text);
  const files = [];
  for (const name of Object.values(FILES)) files.push({ name, bytes: (await stat(join(o.dir, name))).size });
  return { dir: o.dir, files, corpus };
}
