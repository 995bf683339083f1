/**
 * The sharing agreement as data (`config/sharing-agreement.csv`, or HARBOUR_AGREEMENT_FILE): per
 * recipient agency kind, role and category, ALWAYS, WITH_BASIS or NEVER. Read and validated at
 * start; any fault stops the hub with the file, line and what is wrong.
 *
 * Precedence: a row for the principal's role and the category, then for the role and `*`, then the
 * `*` role row, which must exist for every (kind, category). A principal with several roles gets
 * the most permissive of them. The supplying agency always sees its own facts, whatever this says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../config/root';
import { DataCategory } from './categories';
import { AGENCY_KINDS, ROLES, type AgencyKind, type Principal, type Role } from './principal';

export const AGREEMENT_RULES = ['ALWAYS', 'WITH_BASIS', 'NEVER'] as const;
export type AgreementRule = (typeof AGREEMENT_RULES)[number];

export interface SharingAgreement {
  readonly version: string;
  readonly source: string;
  /** `kind|role|category` → rule, with `*` for any role or category. */
  readonly rules: ReadonlyMap<string, AgreementRule>;
}

export class AgreementError extends Error {
  constructor(source: string, line: number | undefined, problem: string) {
    super(`sharing agreement ${source}${line === undefined ? '' : `:${line}`}: ${problem}`);
    this.name = 'AgreementError';
  }
}

export const defaultAgreementFile = (): string => path.join(projectRoot(), 'config', 'sharing-agreement.csv');

const CATEGORIES = Object.values(DataCategory) as string[];
const RANK: Record<AgreementRule, number> = { NEVER: 0, WITH_BASIS: 1, ALWAYS: 2 };

/** Parse and validate an agreement's text; `source` names it in errors. */
export function parseAgreement(text: string, source: string): SharingAgreement {
  const version = /^#\s*version:\s*(\S.*?)\s*$/m.exec(text)?.[1];
  if (!version) throw new AgreementError(source, undefined, 'no "# version: …" line');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { comment: '#', skip_empty_lines: true, trim: true, relax_column_count: true, bom: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    throw new AgreementError(source, undefined, `not CSV (${(error as Error).message})`);
  }
  const header = rows.shift();
  if (!header || header.record.slice(0, 4).join(',') !== 'agency_kind,role,category,rule') {
    throw new AgreementError(source, header?.info.lines, 'the header must be agency_kind,role,category,rule[,note]');
  }
  const rules = new Map<string, AgreementRule>();
  for (const { record, info } of rows) {
    const [kind = '', role = '', category = '', rule = ''] = record;
    const fault = (problem: string) => new AgreementError(source, info.lines, problem);
    if (!(AGENCY_KINDS as readonly string[]).includes(kind)) throw fault(`unknown agency kind "${kind}" (one of ${AGENCY_KINDS.join(', ')})`);
    if (role !== '*' && !(ROLES as readonly string[]).includes(role)) throw fault(`unknown role "${role}" (* or one of ${ROLES.join(', ')})`);
    if (!CATEGORIES.includes(category) && !(category === '*' && role !== '*')) {
      throw fault(`unknown category "${category}" (one of ${CATEGORIES.join(', ')}; * only in a row for a named role)`);
    }
    if (!(AGREEMENT_RULES as readonly string[]).includes(rule)) throw fault(`unknown rule "${rule}" (one of ${AGREEMENT_RULES.join(', ')})`);
    const key = `${kind}|${role}|${category}`;
    if (rules.has(key)) throw fault(`a second row for ${kind}, ${role}, ${category}`);
    rules.set(key, rule as AgreementRule);
  }
  const missing = AGENCY_KINDS.flatMap((k) => CATEGORIES.filter((c) => !rules.has(`${k}|*|${c}`)).map((c) => `${k} ${c}`));
  if (missing.length) throw new AgreementError(source, undefined, `no "*" role row for ${missing.slice(0, 5).join('; ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  return { version, source, rules };
}

export function readAgreement(file = defaultAgreementFile()): SharingAgreement {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AgreementError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseAgreement(text, file);
}

function ruleForRole(agreement: SharingAgreement, kind: AgencyKind, role: Role, category: DataCategory): AgreementRule {
  const { rules } = agreement;
  return rules.get(`${kind}|${role}|${category}`) ?? rules.get(`${kind}|${role}|*`) ?? rules.get(`${kind}|*|${category}`)!;
}

/** The rule for a principal and category: the most permissive of its roles. */
export function ruleFor(agreement: SharingAgreement, principal: Pick<Principal, 'agencyKind' | 'roles'>, category: DataCategory): AgreementRule {
  let best: AgreementRule = 'NEVER';
  for (const role of principal.roles) {
    const rule = ruleForRole(agreement, principal.agencyKind, role, category);
    if (RANK[rule] > RANK[best]) best = rule;
  }
  return best;
}
