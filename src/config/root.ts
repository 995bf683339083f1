import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above this file with harbour's package.json. */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'harbour') return dir;
    if (dir === path.dirname(dir)) throw new Error(`harbour's package.json not found above ${from}`);
  }
}
