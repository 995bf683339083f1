/** Every operation the console sends, typed against schema/supergraph.graphql (gql.tada). */
import { graphql } from './graphql';

export const ME = graphql(`query Me { me { sub agency agencyKind roles } }`);

export const IDENTITY = graphql(`fragment Identity on SourceIdentity {
  id agency feed localId firstSeen lastSeen sex nationality
  names { kind given family full script }
  birthDates { value precision basis }
  identifiers { scheme value verified checkStatus }
  biometrics { modality repository reference }
  contacts { kind platform value }
}`);

export const CONTRIBUTION = graphql(`fragment Contribution on FieldContribution { field level weight reason }`);

export const TODAY = graphql(`query Today {
  matchAlerts(status: OPEN, first: 20) { totalCount edges { node {
    id raisedAt grade probability agencies reasons
    missingPerson { id identities { id agency names { given family full } } }
    candidate { id agency localId names { given family full } }
  } } }
  matchSuggestions(first: 10) { openCount totalCount edges { node {
    id grade probability reasons persons { id } records { id agency localId names { given family full } }
  } } }
}`);

export const MISSING_NOW = graphql(`query MissingNow {
  missingNow(first: 25) { totalCount edges { node {
    startedAt agency agencies riskLevel ownRecord
    person { id identities { id agency names { given family full } birthDates { value precision basis } } }
  } } }
}`);

export const ACTIONS_DUE = graphql(`query ActionsDue {
  actionsDue(withinDays: 14, first: 50) { personId action { id description ownerAgency dueOn status overdue } discussion { id heldOn convenedBy } person { id identities { id names { given family full } } } }
}`);

export const ACKNOWLEDGE = graphql(`mutation Acknowledge($id: ID!) { acknowledgeMatchAlert(id: $id) { id status acknowledgedAt acknowledgedBy } }`);
export const REJECT_ALERT = graphql(`mutation RejectAlert($id: ID!, $reason: String!) { rejectMatchAlert(id: $id, reason: $reason) { id status rejectedBy rejectionReason } }`);

export const SEARCH = graphql(`query Search($example: PersonExample!, $first: Int!) {
  identitySearch(example: $example, first: $first) {
    grade probability matchWeight reasons
    contributions { ...Contribution }
    person { id identities { id agency localId names { kind given family full script } birthDates { value precision basis } sex nationality } }
  }
}`, [CONTRIBUTION]);

export const CHILD = graphql(`query Child($id: ID!) {
  person(id: $id) {
    id replacedBy
    identities { ...Identity }
    care { agency missingEpisodes { id agency kind startedAt endedAt open riskLevel lastSeenLocation foundLocation } placements { id agency placementType startedOn endedOn postcode } }
    police { missingReports { id agency reportedAt open riskLevel lastSeenLocation foundLocation ukmpuNotifiedAt } custody { id agency arrestedAt offence location } }
    safeguarding {
      planReadiness { kind status agency recordedAt }
      riskSignals { kind since detail }
      chronology { at kind agency category record summary due }
      withheldCategories
      discussions { id convenedBy heldOn agencies ownershipAgency ownershipNote decisions actions { id description ownerAgency dueOn status overdue note } }
    }
  }
}`, [IDENTITY]);

export const POSSIBLE = graphql(`query Possible($id: ID!) {
  person(id: $id) { id possibleMatches(first: 5) { openCount edges { node {
    id status grade probability reasons
    contributions { ...Contribution }
    records { ...Identity }
  } } } }
}`, [IDENTITY, CONTRIBUTION]);

export const DECIDE = graphql(`mutation Decide($id: ID!, $decision: SuggestionDecision!, $reason: String!) {
  decideSuggestion(id: $id, decision: $decision, reason: $reason) { id status decidedBy decisionReason persons { id } }
}`);

export const QUEUE = graphql(`query Queue($status: SuggestionStatus!, $first: Int!, $after: String) {
  matchSuggestions(status: $status, first: $first, after: $after) { openCount totalCount pageInfo { hasNextPage endCursor } edges { node {
    id status grade probability reasons decidedBy decisionReason
    contributions { ...Contribution }
    persons { id }
    records { ...Identity }
  } } }
}`, [IDENTITY, CONTRIBUTION]);

export const EXPLAIN = graphql(`query Explain($personId: ID!, $category: DataCategory!) {
  explainAccess(personId: $personId, category: $category) { category released basis rule sealed ownRecord releasableWith explanation }
}`);

export const BREAK_GLASS = graphql(`mutation BreakGlass($input: JustificationInput!) {
  declareSafeguardingJustification(input: $input) { id expiresAt categories }
}`);

export const CONVENE = graphql(`mutation Convene($input: StrategyDiscussionInput!) {
  conveneStrategyDiscussion(input: $input) { id }
}`);

export const RECORD_ACTION = graphql(`mutation RecordAction($discussionId: ID!, $input: ActionInput!) {
  recordAction(discussionId: $discussionId, input: $input) { id status overdue }
}`);

export const UPDATE_ACTION = graphql(`mutation UpdateAction($id: ID!, $status: ActionStatus!, $note: String) {
  updateAction(id: $id, status: $status, note: $note) { id status overdue note }
}`);

export const REVIEWS = graphql(`query Reviews($status: ReviewStatus) {
  breakGlassReviews(status: $status) { id personId declaredBy agency statutoryBasis reason categories recipients declaredAt expiresAt active uses reviewStatus reviewOutcome reviewedBy reviewedAt reviewNote }
}`);

export const REVIEW = graphql(`mutation Review($id: ID!, $outcome: ReviewOutcome!, $note: String) {
  reviewJustification(id: $id, outcome: $outcome, note: $note) { id reviewStatus reviewOutcome }
}`);

export const AUDIT_EVENT = graphql(`fragment AuditRow on AuditEvent { seq at sub agency roles personId category outcome basis basisId }`);

export const TRAIL = graphql(`query Trail($personId: ID!, $first: Int!, $after: String, $from: DateTime, $to: DateTime) {
  auditTrail(personId: $personId, first: $first, after: $after, from: $from, to: $to) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...AuditRow } } }
}`, [AUDIT_EVENT]);

export const ACCESS_BY = graphql(`query AccessBy($sub: String!, $first: Int!, $after: String, $from: DateTime, $to: DateTime) {
  accessBy(sub: $sub, first: $first, after: $after, from: $from, to: $to) { totalCount pageInfo { hasNextPage endCursor } edges { node { ...AuditRow } } }
}`, [AUDIT_EVENT]);

export const DECISIONS = graphql(`query Decisions($personId: ID, $sub: String, $from: DateTime, $to: DateTime, $first: Int!, $after: String) {
  matchDecisions(personId: $personId, sub: $sub, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id at sub agency decision effect reason records { id agency localId } } }
  }
}`);
