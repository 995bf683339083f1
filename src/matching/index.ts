/** The matching library: pure TypeScript, no GraphQL, no database (that is `src/resolution`), no connector. */
export { foldText, nameTokens } from './normalise';
export { jaroWinkler, withinOneEdit } from './strings';
export { editDistance, perLetter, soundKey, EDIT_COSTS, LATIN_COSTS, SCRIPT_COSTS } from './edit-costs';
export { EQUIVALENCES_VERSION } from './equivalences';
export { prepare, prepareDob, type MatchRecord, type PreparedRecord, type PreparedToken, type MatchDob, type Precision } from './record';
export * from './compare';
export { MatchModel, FIELDS, CANDIDATE_SOURCES, reasonsOf, fhirGrade, gradeOf, weightOf, type Contribution, type Field, type GradeThresholds, type MatchGrade, type Weighed, type CandidateSource, type FamilyParameters, type ModelParameters, type Probabilities, type Score } from './model';
export { DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS } from './parameters';
export { blockingKeys, birthYears, otherKeys, tokenKeys, valueKey, valueKeys, KEYS_VERSION, type KeyOptions } from './keys';
export { train, vectorOf, type ComparisonVector, type TrainingInput, type TrainingResult } from './train';
