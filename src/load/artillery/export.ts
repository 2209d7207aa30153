// Writes the self-contained directory `cg-hooks export artillery` makes: script, processor, config, corpus, README.
import { lstatSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFileSet, type NewFile } from '../../core/file-set.js';
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

/**
 * The names of an export already taken in `dir` (an export refuses to replace them unless told to): by anything,
 * a symlink to nothing too (existsSync follows it and says no, and the export would have replaced it unasked).
 */
export function existingExportFiles(dir: string): string[] {
  return Object.values(FILES).filter((name) => taken(join(dir, name)));
}

function taken(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // -o is a file, or cannot be read: said by the directory's own check, as before
  }
}

export async function exportArtillery(o: ArtilleryExport, callbacks: ExportCallbacks = {}, signal?: AbortSignal): Promise<ExportResult> {
  // Made one level at a time and checked writable (Node's recursive mkdir spins forever under /proc).
  const why = await saveDirProblem(o.dir);
  if (why !== undefined) throw Object.assign(new Error(why), { code: 'EUNUSABLEDIR' });
  // All five files are written aside and replace an earlier export together, or none does (core/file-set.ts): a
  // script must not meet another run's corpus or processor. The corpus, the long part, first.
  let corpus: { entries: number; bytes: number } = { entries: 0, bytes: 0 };
  const progress = (done: number, total: number) => {
    signal?.throwIfAborted();
    callbacks.onCorpusProgress?.(done, total);
  };
  const corpusOptions = { provider: o.providerDef, events: o.events, size: o.corpusSize, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.mapPayload ? { mapPayload: o.mapPayload } : {}) };
  const text = (name: string, make: () => string): NewFile => ({ name, write: (path) => writeFile(path, make(), { encoding: 'utf8', flag: 'wx' }) });
  await replaceFileSet(
    o.dir,
    [
      { name: FILES.corpus, write: async (path) => void (corpus = await writeCorpus(path, corpusOptions, progress)) },
      text(FILES.script, () => scriptYaml(o)),
      text(FILES.processor, () => processorSource(o.madeBy, o.secretEnv)),
      text(FILES.config, () => processorConfig(o)),
      text(FILES.readme, () => readme(o, o.command)),
    ],
    signal,
  );
  const files = [];
  for (const name of Object.values(FILES)) files.push({ name, bytes: (await stat(join(o.dir, name))).size });
  return { dir: o.dir, files, corpus };
}
