/**
 * The tests' own reading of the sharing rules (architecture.md, "Access"), from the agreement
 * file's rows, independent of src/access: what a viewer should see of another agency's facts.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CATEGORIES = ['IDENTITY', 'IDENTIFIERS', 'BIOMETRIC_REFS', 'CONTACT', 'MISSING', 'LOCATION', 'FAMILY', 'IMMIGRATION', 'EXPLOITATION', 'HEALTH', 'CARE_PLAN', 'CRIMINAL'];

const rows = new Map<string, string>();
for (const line of fs.readFileSync(path.join(__dirname, '../../config/sharing-agreement.csv'), 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#') || line.startsWith('agency_kind,')) continue;
  const [kind, role, category, rule] = line.split(',');
  rows.set(`${kind}|${role}|${category}`, rule!);
}
const RANK = ['NEVER', 'WITH_BASIS', 'ALWAYS'];

export interface Viewer {
  agency: string;
  kind: string;
  roles: string[];
}

/** The bases in force for one child. */
export interface Bases {
  /** Consent covering these categories for these agency kinds. */
  consent?: { categories: string[]; kinds: string[] };
  /** A justification covering these categories for these agency codes. */
  justification?: { categories: string[]; agencies: string[] };
  missing?: boolean;
}

function rule(kind: string, role: string, category: string): string {
  return rows.get(`${kind}|${role}|${category}`) ?? rows.get(`${kind}|${role}|*`) ?? rows.get(`${kind}|*|${category}`)!;
}

/** The kind of agency each form of code stands for (api.md, "Principals"); EDUCATION has none. */
const CODE_KIND: readonly [RegExp, string][] = [[/^LA-/, 'CHILDRENS_SERVICES'], [/^POLICE-/, 'POLICE'], [/^HO$/, 'IMMIGRATION'], [/^NCA$/, 'NCA'], [/^NHS-/, 'HEALTH']];

/** The viewer acts as `agency`: its own code, and it is the kind that code stands for. */
function actsAs(viewer: { agency: string; kind: string }, agency: string): boolean {
  return agency === viewer.agency && CODE_KIND.some(([code, kind]) => code.test(agency) && kind === viewer.kind);
}

/** Facts `owner` recorded are the viewer's own. */
export function owns(viewer: { agency: string; kind: string }, owner: string): boolean {
  return actsAs(viewer, owner);
}

/** The most permissive rule of the viewer's roles. */
function best(viewer: Viewer, category: string): string {
  return viewer.roles.map((r) => rule(viewer.kind, r, category)).sort((a, b) => RANK.indexOf(b) - RANK.indexOf(a))[0]!;
}

/** Would facts of `category` that `owner` recorded reach `viewer`, with `bases` in force? */
export function oracle(viewer: Viewer, owner: string, category: string, bases: Bases): boolean {
  if (owns(viewer, owner)) return true;
  const agreed = best(viewer, category);
  if (agreed === 'NEVER') return false;
  if (agreed === 'ALWAYS' && category !== 'LOCATION') return true;
  if (bases.consent?.categories.includes(category) && bases.consent.kinds.includes(viewer.kind)) return true;
  // A justification names agencies: an LA's education service signing with the LA's code is not that LA.
  if (bases.justification?.categories.includes(category) && bases.justification.agencies.some((a) => actsAs(viewer, a))) return true;
  return Boolean(bases.missing) && ['IDENTITY', 'IDENTIFIERS', 'BIOMETRIC_REFS', 'CONTACT', 'MISSING'].includes(category) && ['POLICE', 'CHILDRENS_SERVICES'].includes(viewer.kind);
}

/**
 * May `viewer` search by an example value of `category` (identitySearch)? Names, dates of birth
 * and the like (IDENTITY) always: a candidate whose identity the viewer may not see is no result.
 * Any other category only when it reaches the viewer for every child, whatever the bases (ALWAYS):
 * else the value would pick out, or lift, the one child who holds it.
 */
export function searchable(viewer: Viewer, category: string): boolean {
  return category === 'IDENTITY' || (best(viewer, category) === 'ALWAYS' && category !== 'LOCATION');
}
