/**
 * What the CLI tells a user about their own mistakes: a `UsageError` is one plain sentence
 * saying what to do, and the command exits 2. Also the input files of `harbour sync`, where a
 * folder stands for the feed's files in it, in the order the feed reads them.
 */
import fs from 'node:fs';
import path from 'node:path';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Per feed: the file extensions it reads, and the order of its files by name (others after, by name). */
export const FEED_FILES: Record<string, { extensions: readonly string[]; order: readonly string[] }> = {
  ssda903: { extensions: ['.csv', '.xml'], order: ['header', 'episodes', 'missing', 'uasc'] },
  'la-person': { extensions: ['.csv'], order: ['person', 'linked_identifiers', 'aliases', 'contacts', 'plan', 'consent'] },
  police: { extensions: ['.jsonl', '.ndjson'], order: [] },
  'home-office': { extensions: ['.jsonl', '.ndjson'], order: [] },
};

export const FEED_NAMES = Object.keys(FEED_FILES);

function folderFiles(feed: string, dir: string): string[] {
  const { extensions, order } = FEED_FILES[feed]!;
  const rank = (name: string) => {
    const at = order.indexOf(path.parse(name).name.toLowerCase());
    return at < 0 ? order.length : at;
  };
  const files = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && extensions.includes(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (!files.length) throw new UsageError(`harbour sync: the folder ${dir} holds no ${extensions.join(' or ')} file for the ${feed} feed; give the feed's files or the folder that holds them.`);
  return files.map((f) => path.join(dir, f));
}

/** The files to read for `paths`: each a readable file, or a folder of the feed's files. */
export function syncInputs(feed: string, paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
      fs.accessSync(p, fs.constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`harbour sync: ${p} cannot be read (permission denied); run as a user who may read it, or copy it somewhere readable.`);
      throw new UsageError(`harbour sync: there is no file or folder ${p}; check the path (relative paths start from ${process.cwd()}).`);
    }
    if (stat.isDirectory()) return folderFiles(feed, p);
    if (!stat.isFile()) throw new UsageError(`harbour sync: ${p} is not a file or a folder; give the feed's files or the folder that holds them.`);
    return [p];
  });
}

/** A listening error as one sentence: a busy or forbidden port says how to choose another. */
export function listenError(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UsageError(`harbour serve: port ${port} on ${host} is already in use (another harbour?); stop that program, or choose another port with --port N or PORT=N.`);
  if (code === 'EACCES') return new UsageError(`harbour serve: this user may not listen on port ${port}; choose a port above 1023 with --port N or PORT=N.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new UsageError(`harbour serve: ${host} is not an address of this machine; choose one with --host H or HOST=H.`);
  return error as Error;
}
