/**
 * Entity resolution against the store: candidate generation in PostgreSQL, dedupe, linkage,
 * alerts, suggestions and training from the store, and the person-record CSV of the evaluation
 * interface. The matching itself (names, comparisons, the model) is `src/matching`, pure.
 */
export { searchCandidates, type SearchOptions } from './search';
export { candidatePairs, candidatePairsQuery, createPairSpace, indexPairSpace, openStorePairSpace, MAX_KEY_COUNT, STORE_DEDUPE_PAIRS, type PairSpace, type StorePairOptions } from './pairs';
export { loadRecords, refreshMatchKeys, rekeyStore, storeFrequencies, frequencies, currentModel } from './store';
export { recordFrequencies, withScratchLinkage, type LinkedPair, type ScratchLinkage, type LinkProgress } from './link';
export { autoLink, linkIfAllowed, rebuildPersons, unlink, unlinkUnsupported, type PersonChange, type LinkMethod } from './persons';
export { MissingChildren, raiseAlerts, type RaisedAlert } from './alerts';
export { dedupeStore, type DedupeProgress, type DedupeOptions } from './dedupe';
export { trainFromStore, type StoreTraining } from './train';
export { rescoreSuggestions, suggestOnArrival, writeSuggestions, ARRIVAL_KEYS, ARRIVAL_MAX_HOLDERS, REVIEW_BAR, arrivalKeys, forReview, type ArrivalKeyOptions, type Suggestion } from './suggestions';
export { personRecord, PersonCsvError, PERSON_COLUMNS, matchIdentifier, matchPhone } from './person-csv';
export { queueDrift } from './queue';
