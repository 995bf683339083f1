/**
 * The default model parameters, shipped with the code and used until `harbour match train`
 * stores a trained set. m and u are probabilities per comparator level; weights are log2(m/u).
 *
 * They were set from what each level means in harbour's population (children whose dates of
 * birth span ~18 years, names from a few dozen languages, identifiers that are near-unique), and
 * checked, not fitted, against the development sets: the prior and the grade thresholds are the
 * same for every data set.
 */
import type { GradeThresholds, ModelParameters } from './model';

export const DEFAULT_PARAMETERS: ModelParameters = {
  version: 'default-2026-11-30',
  prior: -3,
  minTokenFrequency: 0.001,
  fields: {
    // Per name token: an aligned pair of tokens counts at its level; tokens of the shorter name left unpaired count as DIFFERENT.
    name: {
      // u of the fuzzy levels: random pairs of distinct name tokens (Wikidata name sets), ~0.02–0.1 %.
      EXACT: { m: 0.8, u: 0.005 },
      SCRIPT_SKELETON: { m: 0.05, u: 0.0001 },
      VARIANT: { m: 0.08, u: 0.001 },
      PHONETIC: { m: 0.04, u: 0.0004 },
      JW_HIGH: { m: 0.04, u: 0.00025 },
      SKELETON: { m: 0.01, u: 0.0015 },
      JW_MID: { m: 0.015, u: 0.001 },
      INITIAL: { m: 0.005, u: 0.002 },
      DIFFERENT: { m: 0.02, u: 0.95 },
    },
    dob: {
      EXACT: { m: 0.8, u: 0.0002 },
      SWAP: { m: 0.01, u: 0.00002 },
      TYPO: { m: 0.06, u: 0.002 },
      MONTH: { m: 0.8, u: 0.005 },
      YEAR: { m: 0.8, u: 0.06 },
      NEAR_YEAR: { m: 0.15, u: 0.12 },
      DIFFERENT: { m: 0.025, u: 0.15 },
      // Both full dates, not placeholders, two or more years apart.
      FAR: { m: 0.005, u: 0.7 },
    },
    sex: { AGREE: { m: 0.98, u: 0.5 }, DISAGREE: { m: 0.02, u: 0.5 } },
    nationality: { AGREE: { m: 0.9, u: 0.25 }, DISAGREE: { m: 0.1, u: 0.75 } },
    identifiers: {
      VERIFIED_EQUAL: { m: 0.9, u: 1e-7 },
      EQUAL: { m: 0.8, u: 1e-5 },
      SHARED: { m: 0.2, u: 0.001 },
      NEAR: { m: 0.05, u: 0.0005 },
      DIFFERENT: { m: 0.02, u: 0.99 },
    },
    biometrics: { EQUAL: { m: 0.95, u: 1e-8 }, SHARED: { m: 0.02, u: 0.0001 }, DIFFERENT: { m: 0.01, u: 0.999 } },
    contacts: { EQUAL: { m: 0.3, u: 0.0005 }, SHARED: { m: 0.02, u: 0.01 } },
    address: { EXACT: { m: 0.7, u: 0.0005 }, HIGH: { m: 0.15, u: 0.002 }, PARTIAL: { m: 0.1, u: 0.05 }, DIFFERENT: { m: 0.05, u: 0.95 } },
    postcode: { EXACT: { m: 0.85, u: 0.005 }, NEAR: { m: 0.08, u: 0.02 }, DIFFERENT: { m: 0.07, u: 0.975 } },
  },
};

/** FHIR `$match` grades by match probability; HARBOUR_MATCH_* override them (src/config). */
export const DEFAULT_THRESHOLDS: GradeThresholds = { certain: 0.999, probable: 0.9, possible: 0.5 };
