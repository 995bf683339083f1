/** Agencies as people read them: a name for the codes harbour knows, else the code itself. */
const AGENCY_NAMES: Readonly<Record<string, string>> = {
  HO: 'the Home Office', NCA: 'the National Crime Agency', 'POLICE-MPS': 'the Metropolitan Police', 'POLICE-KENT': 'Kent Police', 'POLICE-WYP': 'West Yorkshire Police',
  'POLICE-NYP': 'North Yorkshire Police', 'POLICE-WMP': 'West Midlands Police', 'POLICE-ESX': 'Essex Police', 'POLICE-GMP': 'Greater Manchester Police',
  'LA-213': 'Westminster', 'LA-886': 'Kent County Council', 'LA-202': 'Camden', 'LA-885': 'Worcestershire',
};

/** An agency as a sentence names it: a known name, else its code. */
export function agencyName(code: string): string {
  return AGENCY_NAMES[code] ?? code;
}
