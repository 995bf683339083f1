/**
 * Training the model's m and u probabilities (`harbour match train`):
 *
 * - u, P(level | not the same person), by random sampling: pairs of records drawn at random are
 *   almost all non-matches, so their level counts estimate u directly;
 * - m, P(level | the same person), by expectation–maximisation over candidate pairs (a mixture
 *   of matches and non-matches, u held fixed), or directly from POSITIVE judgements when people
 *   have judged enough pairs.
 *
 * Names count per aligned pair of name parts, as the model scores them. Estimates are smoothed
 * toward the starting parameters, so that no level's probability is ever 0: they must be
 * probabilities (each field's m and u summing to 1), or training would rescale them unseen, and
 * it refuses. The priors and the family term stay as declared: they describe what the candidate
 * passes let through and who is related, estimated on labelled data (bench `estimate`).
 */
import { FIELDS, type Field, type ModelParameters, type Probabilities, type Score } from './model';

export interface ComparisonVector {
  /** The level of every field both records hold, names excepted. */
  readonly levels: Partial<Record<Field, string>>;
  /** The levels of the aligned name parts. */
  readonly nameLevels: readonly string[];
}

export function vectorOf(score: Score): ComparisonVector {
  const levels: Partial<Record<Field, string>> = {};
  for (const c of score.contributions) if (c.field !== 'prior' && c.field !== 'name' && c.field !== 'family') levels[c.field] = c.level;
  return { levels, nameLevels: score.nameLevels };
}

type Counts = Record<Field, Record<string, number>>;

/** The levels each field may take, from the parameters it starts from. */
function levelsOf(parameters: ModelParameters, field: Field): string[] {
  return Object.keys(parameters.fields[field]);
}

function count(parameters: ModelParameters, vectors: readonly ComparisonVector[], weights?: readonly number[]): Counts {
  const counts = Object.fromEntries(FIELDS.map((f) => [f, Object.fromEntries(levelsOf(parameters, f).map((l) => [l, 0]))])) as Counts;
  vectors.forEach((v, i) => {
    const w = weights ? weights[i]! : 1;
    for (const [field, level] of Object.entries(v.levels) as [Field, string][]) if (level in counts[field]) counts[field][level]! += w;
    for (const level of v.nameLevels) if (level in counts.name) counts.name[level]! += w;
  });
  return counts;
}

/**
 * Probabilities from counts, per field, smoothed toward the starting parameters: `beta`
 * pseudo-observations spread as the starting probabilities (a Dirichlet prior), so a level never
 * seen in the sample keeps a small probability of the starting shape rather than 0 or a flat guess.
 */
function probabilities(counts: Counts, start: Record<Field, Record<string, number>>, beta: number): Record<Field, Record<string, number>> {
  return Object.fromEntries(
    FIELDS.map((f) => {
      const levels = Object.entries(counts[f]);
      const total = levels.reduce((s, [, n]) => s + n, 0) + beta;
      return [f, Object.fromEntries(levels.map(([l, n]) => [l, (n + beta * (start[f][l] ?? 0)) / total]))];
    }),
  ) as Record<Field, Record<string, number>>;
}

function startingProbabilities(parameters: ModelParameters, which: 'm' | 'u'): Record<Field, Record<string, number>> {
  for (const f of FIELDS) {
    const sum = Object.values(parameters.fields[f]).reduce((s, p) => s + p[which], 0);
    if (Math.abs(sum - 1) > 1e-6) throw new Error(`model ${parameters.version}: the ${which} of ${f} sum to ${sum}, not 1; they must be probabilities to train from`);
  }
  return Object.fromEntries(FIELDS.map((f) => [f, Object.fromEntries(Object.entries(parameters.fields[f]).map(([l, p]) => [l, p[which]]))])) as Record<Field, Record<string, number>>;
}

function logLikelihood(v: ComparisonVector, p: Record<Field, Record<string, number>>): number {
  let sum = 0;
  for (const [field, level] of Object.entries(v.levels) as [Field, string][]) sum += Math.log(p[field][level] ?? 1);
  for (const level of v.nameLevels) sum += Math.log(p.name[level] ?? 1);
  return sum;
}

export interface TrainingInput {
  /** Comparisons of random pairs (for u). */
  readonly random: readonly ComparisonVector[];
  /** Comparisons of candidate pairs (for m, by EM). */
  readonly candidates: readonly ComparisonVector[];
  /** Comparisons of pairs judged POSITIVE (for m directly, when there are at least `minPositives`). */
  readonly positives: readonly ComparisonVector[];
}

export interface TrainingResult {
  readonly parameters: ModelParameters;
  readonly method: 'EM' | 'JUDGEMENTS';
  /** EM's estimate of the share of candidate pairs that match (not used as the prior). */
  readonly matchShare: number;
  readonly iterations: number;
}

export interface TrainingOptions {
  readonly version: string;
  /** @default 50 */
  readonly minPositives?: number;
  /** @default 30 */
  readonly maxIterations?: number;
  /** Pseudo-observations of the starting parameters in every estimate. @default 10 */
  readonly beta?: number;
}

export function train(initial: ModelParameters, input: TrainingInput, options: TrainingOptions): TrainingResult {
  const beta = options.beta ?? 10;
  const u = probabilities(count(initial, input.random), startingProbabilities(initial, 'u'), beta);
  const startM = startingProbabilities(initial, 'm');
  let m: Record<Field, Record<string, number>>;
  let method: TrainingResult['method'];
  let share = 0;
  let iterations = 0;
  if (input.positives.length >= (options.minPositives ?? 50)) {
    m = probabilities(count(initial, input.positives), startM, beta);
    method = 'JUDGEMENTS';
  } else {
    method = 'EM';
    m = startM;
    share = 0.1;
    for (; iterations < (options.maxIterations ?? 30); iterations++) {
      const posterior = input.candidates.map((v) => {
        const lm = Math.log(share) + logLikelihood(v, m);
        const lu = Math.log(1 - share) + logLikelihood(v, u);
        return 1 / (1 + Math.exp(lu - lm));
      });
      const next = probabilities(count(initial, input.candidates, posterior), startM, beta);
      const nextShare = Math.min(0.999, Math.max(0.001, posterior.reduce((s, g) => s + g, 0) / Math.max(posterior.length, 1)));
      const change = Math.abs(nextShare - share) + FIELDS.reduce((s, f) => s + Object.keys(m[f]).reduce((t, l) => t + Math.abs((next[f][l] ?? 0) - (m[f][l] ?? 0)), 0), 0);
      m = next;
      share = nextShare;
      if (change < 1e-4) break;
    }
  }
  const fields = Object.fromEntries(
    FIELDS.map((f) => [f, Object.fromEntries(levelsOf(initial, f).map((l): [string, Probabilities] => [l, { m: m[f][l]!, u: u[f][l]! }]))]),
  ) as unknown as ModelParameters['fields'];
  return { parameters: { ...initial, version: options.version, fields }, method, matchShare: share, iterations };
}
