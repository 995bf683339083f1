/**
 * The learned name distance: one weighted edit distance over folded spellings whose costs are a
 * table learned from aligned name pairs (`data/models/name-edit-costs.json`, made by
 * `npm run train:names`; see `data/models/README.md`). The runtime only reads the table.
 *
 * An edit turns a unit of one spelling into a unit of the other: a unit is a letter or one of
 * the table's letter pairs ("kh", "ou", "ph", "sh"), so "kh" → "h" or "x" → "ks" is one edit
 * whose cost the data set. Pairs of units do not map onto pairs (that is two edits). The cost of
 * an edit is −log2 of its probability under a stochastic edit model trained by EM (Ristad and
 * Yianilos, 1998), less the bits an average letter copied unchanged costs, and never below 0: a
 * spelling is at distance 0 from itself, and the distance of two spellings is the bits by which
 * the likeliest way to write one as the other is less likely than copying it.
 *
 * Two tables: `latin`, from pairs of Latin spellings of one name (symmetric), and `script`, from
 * Arabic-script names (folded by any-ascii, which keeps consonants and long vowels) to their
 * Latin spellings.
 */
import table from '../../data/models/name-edit-costs.json';

/** One table as the JSON file holds it. */
export interface EditCostTable {
  /** Letters and letter pairs an edit may turn into another. */
  readonly units: readonly string[];
  /** `[from, to, cost]`; `''` is the empty unit (an insertion or a deletion). */
  readonly edits: readonly (readonly [string, string, number])[];
  /** The cost of a letter-for-letter edit, insertion or deletion the table does not list (never seen in training). */
  readonly unseen: { readonly substitute: number; readonly insert: number; readonly delete: number };
}

export interface EditCostsFile {
  readonly version: string;
  readonly latin: EditCostTable;
  readonly script: EditCostTable;
  /** The name levels' lines in bits per letter (`perLetter`), set on random pairs of different names (see the training script). */
  readonly levels: {
    readonly latin: { readonly VARIANT: number; readonly SIMILAR: number; readonly ALIKE: number };
    readonly script: { readonly SCRIPT: number };
  };
  /** The coarse sound key's classes: letters joined by an edit cheaper than `line` bits, and letters deleted for less. */
  readonly key: { readonly line: number; readonly classes: Readonly<Record<string, string>>; readonly dropped: string };
}

export const EDIT_COSTS = table as unknown as EditCostsFile;

/** A table made ready for the distance: unit ids and a dense cost matrix (row `from`, column `to`; the last id is the empty unit). */
export class EditCosts {
  readonly size: number;
  readonly empty: number;
  private readonly ids = new Map<string, number>();
  /** The dense cost matrix, row `from`, column `to` (`at`). */
  readonly cost: Float64Array;
  /** Unit ids of spellings met (`units`), by spelling; dropped whole when full. */
  private readonly unitCache = new Map<string, { one: Int16Array; two: Int16Array }>();
  /** Letter pair → id, by the pair's two char codes (a–z): −1 where the pair is no unit. */
  private readonly pairIds = new Int16Array(26 * 26).fill(-1);

  constructor(readonly table: EditCostTable) {
    const units = [...table.units];
    units.forEach((u, i) => this.ids.set(u, i));
    this.empty = units.length;
    this.size = units.length + 1;
    this.cost = new Float64Array(this.size * this.size).fill(Infinity);
    for (let x = 0; x < this.size; x++) {
      for (let y = 0; y < this.size; y++) {
        const [ux, uy] = [units[x] ?? '', units[y] ?? ''];
        if (ux.length > 1 || uy.length > 1 || (x === this.empty && y === this.empty)) continue;
        this.cost[x * this.size + y] = ux === uy ? 0 : !ux ? table.unseen.insert : !uy ? table.unseen.delete : table.unseen.substitute;
      }
    }
    for (const [from, to, cost] of table.edits) this.cost[this.id(from) * this.size + this.id(to)] = cost;
    for (const u of units) if (u.length === 2) this.pairIds[(u.charCodeAt(0) - 97) * 26 + u.charCodeAt(1) - 97] = this.ids.get(u)!;
  }

  /** The id of a unit ('' is the empty unit); an error names a unit the table does not hold. */
  id(unit: string): number {
    if (unit === '') return this.empty;
    const id = this.ids.get(unit);
    if (id === undefined) throw new Error(`name edit costs ${EDIT_COSTS.version}: no unit "${unit}" (units are a–z and the table's letter pairs)`);
    return id;
  }

  /** Cost of one edit by unit ids. */
  at(from: number, to: number): number {
    return this.cost[from * this.size + to]!;
  }

  /** Unit ids of a folded spelling (a–z only): for each position, the letter's id and the id of the pair starting there (or −1). */
  units(s: string): { one: Int16Array; two: Int16Array } {
    let cached = this.unitCache.get(s);
    if (!cached) {
      if (this.unitCache.size >= 100_000) this.unitCache.clear();
      this.unitCache.set(s, (cached = this.computeUnits(s)));
    }
    return cached;
  }

  private computeUnits(s: string): { one: Int16Array; two: Int16Array } {
    const one = new Int16Array(s.length);
    const two = new Int16Array(s.length).fill(-1);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i) - 97;
      one[i] = c >= 0 && c < 26 ? this.ids.get(s[i]!)! : this.empty;
      if (i + 1 < s.length) {
        const d = s.charCodeAt(i + 1) - 97;
        if (c >= 0 && c < 26 && d >= 0 && d < 26) two[i] = this.pairIds[c * 26 + d]!;
      }
    }
    return { one, two };
  }
}

export const LATIN_COSTS = new EditCosts(EDIT_COSTS.latin);
export const SCRIPT_COSTS = new EditCosts(EDIT_COSTS.script);

let cells = new Float64Array(64);

/**
 * The distance in bits (≥ 0; 0 for one spelling) between two folded spellings under a table: the
 * cheapest sequence of edits, each taking zero, one or two letters of `a` to zero, one or two of
 * `b` (not two to two). Infinity as soon as it must exceed `limit` (what a caller that only asks
 * "within this line?" passes). Plain loops: batch dedupe asks it millions of times (levels are
 * cached per token pair).
 */
export function editDistance(a: string, b: string, costs: EditCosts = LATIN_COSTS, limit = Infinity): number {
  if (a === b) return 0;
  const ua = costs.units(a);
  const ub = costs.units(b);
  const n = a.length;
  const m = b.length;
  const w = m + 1;
  if (cells.length < (n + 1) * w) cells = new Float64Array((n + 1) * w * 2);
  const e = costs.empty;
  const size = costs.size;
  const cost = costs.cost;
  const c = cells;
  let previousMin = Infinity;
  for (let i = 0; i <= n; i++) {
    const x1 = i >= 1 ? ua.one[i - 1]! : -1;
    const x2 = i >= 2 ? ua.two[i - 2]! : -1;
    let rowMin = Infinity;
    for (let j = 0; j <= m; j++) {
      if (i === 0 && j === 0) {
        c[0] = 0;
        rowMin = 0;
        continue;
      }
      let best = Infinity;
      const y1 = j >= 1 ? ub.one[j - 1]! : -1;
      const y2 = j >= 2 ? ub.two[j - 2]! : -1;
      if (x1 >= 0) {
        const row = x1 * size;
        best = c[(i - 1) * w + j]! + cost[row + e]!;
        if (y1 >= 0) best = Math.min(best, c[(i - 1) * w + j - 1]! + cost[row + y1]!);
        if (y2 >= 0) best = Math.min(best, c[(i - 1) * w + j - 2]! + cost[row + y2]!);
      }
      if (y1 >= 0) best = Math.min(best, c[i * w + j - 1]! + cost[e * size + y1]!);
      if (x2 >= 0) {
        best = Math.min(best, c[(i - 2) * w + j]! + cost[x2 * size + e]!);
        if (y1 >= 0) best = Math.min(best, c[(i - 2) * w + j - 1]! + cost[x2 * size + y1]!);
      }
      if (y2 >= 0) best = Math.min(best, c[i * w + j - 2]! + cost[e * size + y2]!);
      c[i * w + j] = best;
      if (best < rowMin) rowMin = best;
    }
    // Every path to the end passes through this row or, by a two-letter edit, the one before.
    if (rowMin > limit && previousMin > limit) return Infinity;
    previousMin = rowMin;
  }
  return c[n * w + m]!;
}

/** A distance per letter of both spellings: what the level lines are drawn on (a long name has more letters to spell differently). */
export function perLetter(distance: number, a: string, b: string): number {
  return distance / (a.length + b.length);
}

/**
 * The coarse sound key blocking files a name under (`k:`), derived from the table: each letter
 * becomes its class (letters an edit cheaper than the key's line joins), letters whose deletion
 * costs less than the line are dropped (the first too: Arabic script leaves out the alif of
 * "Ahmed"), and repeats collapse. Null under two letters of key, where every short name collides.
 */
export function soundKey(token: string): string | null {
  const { classes, dropped } = EDIT_COSTS.key;
  let key = '';
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if (dropped.includes(c)) continue;
    const k = classes[c] ?? c;
    if (!key.endsWith(k)) key += k;
  }
  return key.length >= 2 ? key : null;
}
