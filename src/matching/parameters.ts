/**
 * The default model parameters, shipped with the code and used until `harbour match train`
 * stores a trained set. m and u are probabilities: each field's m (and u) sum to 1 over its
 * levels (a test holds them to it), so training estimates them without rescaling anything.
 *
 * m and u were set from what each level means in harbour's population (children whose dates of
 * birth span ~18 years, names from a few dozen languages, identifiers that are near-unique); the
 * name levels keep the weights checked on the development sets, the slack of the rescaling to
 * probabilities on DIFFERENT. The priors and the family parameters are estimated on a generated
 * population (`node dist/bench/evaluate.js estimate`, seed 1; evaluated on seed 23).
 */
import type { GradeThresholds, ModelParameters } from './model';

export const DEFAULT_PARAMETERS: ModelParameters = {
  version: 'default-2026-12-03-names',
  // u comes from random pairs, not candidate pairs: the prior is the odds of a match among all
  // the pairs a source considers (the keys that made a candidate pair are evidence, counted once,
  // in the fields). dedupe and link: the intercept that calibrates the scores on a generated
  // population's labels (`estimate`, seed 1: 12,500 records, where the odds among all pairs are
  // −13.0 bits; link on 5,200, stated among 12,600), some four bits below those odds for what
  // independence still over-counts. search and arrival look one record up among the store's:
  // dedupe's value. A chosen pair (`match compare`): one in nine, as the development sets' name
  // rows have always been scored.
  priors: { pair: -3, search: -17.3, arrival: -17.3, dedupe: -17.3, link: -16.6 },
  priorRecords: 12600,
  minTokenFrequency: 0.001,
  fields: {
    // Per name part: an aligned pair of parts counts at its level; parts of the shorter name left unpaired count as DIFFERENT.
    name: {
      // SCRIPT (the consonant skeleton across scripts before), the Jaro–Winkler levels, EXACT,
      // INITIAL and DIFFERENT keep their m and u. u of VARIANT, SIMILAR and ALIKE is the share of
      // random pairs of different Wikidata names between their lines (VARIANT's 0.06 %, SIMILAR's
      // 0.5 %, ALIKE's 2 %; `npm run train:names`); VARIANT keeps the m of the variants it still
      // holds (corpus pairs are EQUIVALENT now, the levels that merely sounded alike are gone),
      // SIMILAR's and ALIKE's m are what the training population (seed 1) shows: a pair only that
      // close is about as often two children as one.
      // EQUIVALENT (a spelling pair the corpus attests): u as the training population shows it
      // (7 bits for a corpus pair), and a pair keeps only `supportShare` of its m.
      EXACT: { m: 0.754716, u: 0.00471698 },
      EQUIVALENT: { m: 0.03, u: 0.0002 },
      SCRIPT: { m: 0.04717, u: 0.00009434 },
      VARIANT: { m: 0.067642, u: 0.0006 },
      SIMILAR: { m: 0.02, u: 0.004 },
      JW_HIGH: { m: 0.037736, u: 0.00023585 },
      ALIKE: { m: 0.005, u: 0.015 },
      JW_MID: { m: 0.014151, u: 0.0009434 },
      INITIAL: { m: 0.004717, u: 0.00188679 },
      DIFFERENT: { m: 0.018868, u: 0.97232264 },
    },
    dob: {
      // u: two children born within ~18 years, one in five dates a placeholder or a year.
      EXACT: { m: 0.78, u: 0.00015 },
      SWAP: { m: 0.005, u: 0.00001 },
      TYPO: { m: 0.03, u: 0.002 },
      MONTH: { m: 0.01, u: 0.0045 },
      YEAR: { m: 0.1, u: 0.02 },
      NEAR_YEAR: { m: 0.05, u: 0.04 },
      DIFFERENT: { m: 0.02, u: 0.23334 },
      // Both full dates, not placeholders, two or more years apart.
      FAR: { m: 0.005, u: 0.7 },
    },
    sex: { AGREE: { m: 0.98, u: 0.5 }, DISAGREE: { m: 0.02, u: 0.5 } },
    nationality: { AGREE: { m: 0.9, u: 0.25 }, DISAGREE: { m: 0.1, u: 0.75 } },
    identifiers: {
      VERIFIED_EQUAL: { m: 0.5, u: 1e-7 },
      EQUAL: { m: 0.408, u: 1e-5 },
      SHARED: { m: 0.03, u: 0.001 },
      NEAR: { m: 0.03, u: 0.0005 },
      // Two in five pairs of one scheme are of identifiers with a check character (u and m split alike).
      // A second reference issued to one child, a typo of more than one character.
      DIFFERENT: { m: 0.03, u: 0.6 },
      // Both check characters valid: two real identifiers.
      VERIFIED_DIFFERENT: { m: 0.002, u: 0.3984899 },
    },
    biometrics: { EQUAL: { m: 0.97, u: 1e-8 }, SHARED: { m: 0.02, u: 0.0001 }, DIFFERENT: { m: 0.01, u: 0.99989999 } },
    contacts: { EQUAL: { m: 0.3, u: 0.0005 }, SHARED: { m: 0.02, u: 0.01 }, DIFFERENT: { m: 0.68, u: 0.9895 } },
    // A child's records are often at different addresses (placements, where the police found the child, a
    // hotel); an adult's in FEBRL rarely: DIFFERENT 0.18 keeps the FEBRL rows near what they were.
    address: { EXACT: { m: 0.6, u: 0.0005 }, HIGH: { m: 0.12, u: 0.002 }, PARTIAL: { m: 0.1, u: 0.05 }, DIFFERENT: { m: 0.18, u: 0.9475 } },
    postcode: { EXACT: { m: 0.85, u: 0.005 }, NEAR: { m: 0.08, u: 0.02 }, DIFFERENT: { m: 0.07, u: 0.975 } },
  },
  family: {
    share: 0.0002,
    allPartsAgree: 0.0155,
    fields: {
      name: { EXACT: 0.4617, VARIANT: 0.0297, SCRIPT: 0.016, DIFFERENT: 0.4789 },
      dob: { EXACT: 0.0478, SWAP: 0.0004, TYPO: 0.0043, MONTH: 0.0016, YEAR: 0.0319, NEAR_YEAR: 0.0939, DIFFERENT: 0.4367, FAR: 0.3834 },
      nationality: { AGREE: 0.981, DISAGREE: 0.019 },
      contacts: { EQUAL: 0.7482, SHARED: 0.1448, DIFFERENT: 0.107 },
      address: { EXACT: 0.7424, PARTIAL: 0.0104, DIFFERENT: 0.2471 },
    },
  },
};

/** FHIR `$match` grades by match probability; HARBOUR_MATCH_* override them (src/config). */
export const DEFAULT_THRESHOLDS: GradeThresholds = { certain: 0.999, probable: 0.9, possible: 0.5 };
