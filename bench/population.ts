/**
 * A realistic synthetic population of children for measuring the matcher (`npm run evaluate`):
 * families of the communities in domain.md (Vietnamese, Albanian, Eritrean, Sudanese, Afghan,
 * Kurdish, Romanian, British), each child recorded one to four times by a local authority, the
 * police or the Home Office, each agency writing the child its own way. Seeded; every value is
 * made up from pools of common names, so common names collide as they do in a real caseload.
 *
 * What makes it hard is what makes a real caseload hard: twins (one date, one family name,
 * different given names), siblings at one address born years apart, placeholder 1 January and
 * year-only dates, age-assessed dates a year or two off, aliases, transliteration variants,
 * Arabic-script Home Office records, shared asylum hotels and carers' phones, a second Home
 * Office reference for a child met twice.
 */
import type { MatchRecord } from '../src/matching';
import { seeded } from './stats';

/** One name and its other spellings (the first is the usual one), and its Arabic-script form if the community writes one. */
type Name = readonly [string, ...string[]];

interface Community {
  readonly key: string;
  readonly nationality: string;
  /** Share of families. */
  readonly share: number;
  /** Share of its children who arrived alone (UASC), placed in hotels or foster care. */
  readonly alone: number;
  readonly boys: readonly Name[];
  readonly girls: readonly Name[];
  /** Family names; for communities that name a child after father and grandfather, the fathers' names. */
  readonly families: readonly Name[];
  /** Given + father's + grandfather's name (Eritrean, Sudanese): the family name is two names. */
  readonly patronymic?: boolean;
  /** Vietnamese order: family, middle, given. */
  readonly middles?: { readonly M: readonly string[]; readonly F: readonly string[] };
  /** Arabic-script forms of this community's names, by the usual spelling. */
  readonly script?: Readonly<Record<string, string>>;
}

const ARABIC: Record<string, string> = {
  Mohammed: 'محمد', Ahmed: 'أحمد', Osman: 'عثمان', Abdelrahman: 'عبدالرحمن', Mustafa: 'مصطفى', Ibrahim: 'إبراهيم', Yousif: 'يوسف', Adam: 'آدم',
  Ali: 'علي', Omer: 'عمر', Hamid: 'حامد', Khalid: 'خالد', Musa: 'موسى', Ismail: 'إسماعيل', Fatima: 'فاطمة', Amna: 'آمنة', Maryam: 'مريم',
  Hawa: 'حواء', Aisha: 'عائشة', Salma: 'سلمى', Abdalla: 'عبدالله', Hassan: 'حسن', Babiker: 'بابكر', Elamin: 'الأمين', Idris: 'إدريس',
};
const DARI: Record<string, string> = {
  Ahmad: 'احمد', Mohammad: 'محمد', Ali: 'علی', Hamid: 'حمید', Rahim: 'رحیم', Karim: 'کریم', Jawad: 'جواد', Mustafa: 'مصطفی', Habib: 'حبیب',
  Naveed: 'نوید', Farid: 'فرید', Omid: 'امید', Wahid: 'وحید', Zabihullah: 'ذبیحالله', Samiullah: 'سمیعالله', Maryam: 'مریم', Zahra: 'زهرا',
  Fatima: 'فاطمه', Parwana: 'پروانه', Nilofar: 'نیلوفر', Ahmadi: 'احمدی', Mohammadi: 'محمدی', Rahimi: 'رحیمی', Karimi: 'کریمی',
  Hussaini: 'حسینی', Sultani: 'سلطانی', Haidari: 'حیدری', Noori: 'نوری', Safi: 'صافی', Amiri: 'امیری', Azizi: 'عزیزی', Hakimi: 'حکیمی',
  Popal: 'پوپل', Stanekzai: 'ستانکزی', Sharifi: 'شریفی', Rezaei: 'رضایی',
};
const SORANI: Record<string, string> = {
  Karwan: 'کاروان', Rebin: 'ڕێبین', Hawre: 'هاوڕێ', Aram: 'ئارام', Shvan: 'شڤان', Zana: 'زانا', Sherwan: 'شێروان', Hemin: 'هێمن', Rawand: 'ڕەوەند',
  Soran: 'سۆران', Bakhtiyar: 'بەختیار', Azad: 'ئازاد', Dana: 'دانا', Rojin: 'ڕۆژین', Shilan: 'شیلان', Dilan: 'دیلان', Nazdar: 'نازدار',
  Zhila: 'ژیلا', Avin: 'ئاڤین', Lana: 'لانا', Ahmed: 'ئەحمەد', Mohammed: 'محەمەد', Kareem: 'کەریم', Rasul: 'ڕەسوڵ', Hussein: 'حسێن',
  Abdullah: 'عەبدوڵڵا', Aziz: 'عەزیز', Salih: 'ساڵح', Qadir: 'قادر', Osman: 'عوسمان', Mahmoud: 'مەحموود', Omar: 'عومەر',
};

const COMMUNITIES: readonly Community[] = [
  {
    key: 'british', nationality: 'GBR', share: 0.36, alone: 0,
    boys: [['Oliver'], ['Harry'], ['Jack'], ['George'], ['Noah'], ['Charlie'], ['Jacob'], ['Alfie', 'Alfred'], ['Freddie', 'Freddy'], ['Oscar'], ['Leo'],
      ['Thomas', 'Tom'], ['James', 'Jamie'], ['Joshua', 'Josh'], ['William', 'Will'], ['Ethan'], ['Mason'], ['Tyler'], ['Kai'], ['Riley'], ['Callum'], ['Connor'], ['Liam'], ['Jayden']],
    girls: [['Olivia'], ['Amelia'], ['Isla'], ['Ava'], ['Emily'], ['Sophia', 'Sofia'], ['Grace'], ['Lily', 'Lilly'], ['Mia'], ['Ella'], ['Chloe'], ['Jessica', 'Jess'],
      ['Ellie'], ['Poppy'], ['Ruby'], ['Evie'], ['Megan'], ['Courtney'], ['Shannon'], ['Leah']],
    families: [['Smith'], ['Jones'], ['Williams'], ['Taylor'], ['Brown'], ['Davies', 'Davis'], ['Evans'], ['Wilson'], ['Thomas'], ['Johnson'], ['Roberts'],
      ['Robinson'], ['Thompson', 'Thomson'], ['Wright'], ['Walker'], ['White'], ['Edwards'], ['Hughes'], ['Green'], ['Hall'], ['Wood'], ['Harris'],
      ['Lewis'], ['Martin'], ['Jackson'], ['Clarke', 'Clark'], ['Turner'], ['Hill'], ['Scott'], ['Cooper'], ['Moore'], ['King'], ['Baker'], ['Ward'],
      ['Morris'], ['Carter'], ['Mitchell'], ['Patel'], ['Khan'], ['Begum'], ['Ahmed'], ['Murphy'], ['Kelly'], ['Campbell'], ['Stewart'], ['Watson']],
  },
  {
    key: 'vietnamese', nationality: 'VNM', share: 0.12, alone: 0.7,
    boys: [['Anh'], ['Minh'], ['Thien'], ['Hung'], ['Tuan'], ['Long'], ['Nam'], ['Duc'], ['Khanh'], ['Hieu'], ['Quang'], ['Phuc'], ['Bao'], ['Huy'], ['Dung'], ['Tien'], ['Vinh'], ['Son']],
    girls: [['Anh'], ['Linh'], ['Lan'], ['Mai'], ['Huong'], ['Trang'], ['Thao'], ['Ngoc'], ['Hoa'], ['Thu'], ['Nhung'], ['Hang'], ['Yen'], ['Ha']],
    families: [['Nguyen', 'Nguyễn', 'Nguyen'], ['Nguyen'], ['Nguyen'], ['Nguyen'], ['Tran', 'Trần'], ['Tran'], ['Le', 'Lê'], ['Le'], ['Pham', 'Phạm'], ['Hoang', 'Hoàng', 'Huynh'],
      ['Phan'], ['Vu', 'Vũ', 'Vo'], ['Dang', 'Đặng'], ['Bui', 'Bùi'], ['Do', 'Đỗ'], ['Ho', 'Hồ'], ['Ngo', 'Ngô'], ['Duong', 'Dương'], ['Ly', 'Lý']],
    middles: { M: ['Van', 'Van', 'Van', 'Duc', 'Minh', 'Quoc', 'Thanh', 'Huu'], F: ['Thi', 'Thi', 'Thi', 'Ngoc', 'Thanh', 'Thu'] },
  },
  {
    key: 'albanian', nationality: 'ALB', share: 0.11, alone: 0.8,
    boys: [['Ardit', 'Arditi'], ['Arben', 'Arbeni'], ['Ilir', 'Iliri'], ['Endri', 'Endrit'], ['Klajdi', 'Klaidi'], ['Erion', 'Erioni'], ['Besnik'], ['Dritan', 'Driton'],
      ['Elton'], ['Gentian', 'Genti'], ['Kevin'], ['Luan'], ['Mario'], ['Xhoni', 'Joni'], ['Alban'], ['Ervis'], ['Redi'], ['Fatjon']],
    girls: [['Elira'], ['Ana'], ['Drita'], ['Arta'], ['Jonida'], ['Klea'], ['Erisa'], ['Anxhela', 'Angela'], ['Xhesika', 'Jessica'], ['Megi']],
    families: [['Hoxha', 'Hoxhaj'], ['Krasniqi'], ['Shehu'], ['Gashi'], ['Berisha'], ['Dervishi'], ['Leka'], ['Kola'], ['Marku'], ['Cela', 'Çela'], ['Basha'],
      ['Rama'], ['Mema'], ['Duka'], ['Prifti'], ['Hysa', 'Hysaj'], ['Muca', 'Muça'], ['Bregu'], ['Lika'], ['Zeneli']],
  },
  {
    key: 'eritrean', nationality: 'ERI', share: 0.1, alone: 0.6, patronymic: true,
    boys: [['Dawit', 'Dawid', 'David'], ['Yonas', 'Jonas'], ['Robel'], ['Filmon', 'Filimon'], ['Samuel'], ['Yohannes', 'Yohanes', 'Johannes'], ['Mehari'], ['Habtom', 'Habtum'],
      ['Biniam', 'Biniyam'], ['Amanuel', 'Emmanuel'], ['Michael', 'Mikael'], ['Semere'], ['Mussie', 'Musie'], ['Henok'], ['Natnael'], ['Abel']],
    girls: [['Senait', 'Senayt'], ['Selam', 'Salam'], ['Helen'], ['Ruta'], ['Saba'], ['Feven'], ['Luwam'], ['Hiwet'], ['Yordanos'], ['Eden'], ['Winta']],
    families: [['Tesfay', 'Tesfai', 'Tesfaye'], ['Gebremedhin', 'Ghebremedhin', 'Gebremedin'], ['Haile', 'Hayle'], ['Tekle', 'Teklay'], ['Abraha', 'Abrha'], ['Kidane'],
      ['Woldu', 'Weldu'], ['Berhe'], ['Gebru', 'Ghebru'], ['Ghebremariam', 'Gebremariam'], ['Yemane'], ['Mehari'], ['Tesfamariam'], ['Okbay', 'Ogbay'],
      ['Asmerom'], ['Habte'], ['Solomon'], ['Kahsay']],
  },
  {
    key: 'sudanese', nationality: 'SDN', share: 0.09, alone: 0.75, patronymic: true, script: ARABIC,
    boys: [['Mohammed', 'Muhammad', 'Mohamed', 'Mohamad'], ['Ahmed', 'Ahmad'], ['Osman', 'Othman', 'Usman'], ['Abdelrahman', 'Abdulrahman', 'Abdel Rahman'],
      ['Mustafa', 'Mostafa'], ['Ibrahim', 'Ebrahim'], ['Yousif', 'Yusuf', 'Youssef'], ['Adam'], ['Ali'], ['Omer', 'Omar'], ['Hamid', 'Hamed'], ['Khalid', 'Khaled'],
      ['Musa', 'Mousa'], ['Ismail', 'Esmail']],
    girls: [['Fatima', 'Fatma'], ['Amna', 'Amina'], ['Maryam', 'Mariam'], ['Hawa'], ['Aisha', 'Aysha'], ['Salma']],
    families: [['Mohammed', 'Muhammad', 'Mohamed'], ['Ahmed', 'Ahmad'], ['Osman', 'Othman'], ['Abdalla', 'Abdallah', 'Abdullah'], ['Ibrahim'], ['Adam'], ['Ali'], ['Hassan', 'Hasan'],
      ['Babiker', 'Babikir'], ['Elamin', 'El Amin', 'Al-Amin'], ['Idris', 'Edris'], ['Musa', 'Mousa'], ['Yousif', 'Yusuf'], ['Omer', 'Omar'], ['Khalid']],
  },
  {
    key: 'afghan', nationality: 'AFG', share: 0.1, alone: 0.85, script: DARI,
    boys: [['Ahmad', 'Ahmed'], ['Mohammad', 'Mohammed', 'Muhammad'], ['Ali'], ['Hamid', 'Hameed'], ['Rahim', 'Raheem'], ['Karim', 'Kareem'], ['Jawad'], ['Mustafa'],
      ['Habib'], ['Naveed', 'Navid'], ['Farid', 'Fareed'], ['Omid', 'Umid'], ['Wahid', 'Waheed'], ['Zabihullah', 'Zabiullah'], ['Samiullah', 'Sami Ullah']],
    girls: [['Maryam', 'Mariam'], ['Zahra'], ['Fatima', 'Fatema'], ['Parwana'], ['Nilofar', 'Nilufar']],
    families: [['Ahmadi'], ['Mohammadi', 'Muhammadi'], ['Rahimi'], ['Karimi'], ['Hussaini', 'Hosseini', 'Husseini'], ['Sultani'], ['Haidari', 'Haydari', 'Heydari'],
      ['Noori', 'Nouri'], ['Safi'], ['Amiri'], ['Azizi'], ['Hakimi'], ['Popal'], ['Stanekzai', 'Stanikzai'], ['Sharifi'], ['Rezaei', 'Rezai']],
  },
  {
    key: 'kurdish', nationality: 'IRQ', share: 0.07, alone: 0.8, script: SORANI, patronymic: false,
    boys: [['Karwan'], ['Rebin', 'Rebeen'], ['Hawre', 'Hawree'], ['Aram'], ['Shvan', 'Shivan'], ['Zana'], ['Sherwan', 'Shirwan'], ['Hemin', 'Hemn'], ['Rawand'],
      ['Soran'], ['Bakhtiyar', 'Bakhtiar'], ['Azad'], ['Dana']],
    girls: [['Rojin'], ['Shilan'], ['Dilan'], ['Nazdar'], ['Zhila', 'Jila'], ['Avin'], ['Lana']],
    families: [['Ahmed', 'Ahmad'], ['Mohammed', 'Muhammad'], ['Kareem', 'Karim'], ['Rasul', 'Rasool'], ['Hussein', 'Husein', 'Hussain'], ['Abdullah', 'Abdulla'],
      ['Aziz'], ['Salih', 'Saleh'], ['Qadir', 'Kadir', 'Qader'], ['Osman', 'Othman'], ['Mahmoud', 'Mahmood', 'Mahmud'], ['Omar', 'Omer']],
  },
  {
    key: 'romanian', nationality: 'ROU', share: 0.05, alone: 0.1,
    boys: [['Andrei'], ['Alexandru', 'Alex'], ['Ionut', 'Ionuț'], ['Stefan', 'Ștefan'], ['Mihai'], ['Florin'], ['Gabriel'], ['Marius'], ['Cristian'], ['Adrian'], ['Daniel'], ['Vlad']],
    girls: [['Maria'], ['Elena'], ['Ioana'], ['Andreea', 'Andrea'], ['Alexandra'], ['Gabriela'], ['Bianca'], ['Denisa']],
    families: [['Popescu'], ['Ionescu'], ['Popa'], ['Stan'], ['Dumitru'], ['Stoica'], ['Gheorghe'], ['Matei'], ['Constantin'], ['Munteanu'], ['Rusu'],
      ['Lazar', 'Lazăr'], ['Florea'], ['Ciobanu'], ['Tudor'], ['Moldovan'], ['Dinu'], ['Radu']],
  },
];

/** Streets and towns the addresses are made from (a few towns, so that streets repeat). */
const STREETS = ['Station Road', 'High Street', 'Church Lane', 'Victoria Road', 'Park Avenue', 'Mill Lane', 'London Road', 'Queens Road', 'Green Lane', 'Manor Road',
  'Kings Road', 'New Street', 'Grove Road', 'Albert Street', 'School Lane', 'North Road', 'Springfield Road', 'Chapel Street', 'Bridge Street', 'Harrow Close'];
const TOWNS = [['Leeds', 'LS'], ['Croydon', 'CR'], ['Dover', 'CT'], ['Manchester', 'M'], ['Birmingham', 'B'], ['Hillingdon', 'UB'], ['Kent', 'ME'], ['Glasgow', 'G']] as const;
const HOTELS = ['Airport Inn', 'Central Lodge', 'Riverside Hotel', 'Station Hotel', 'Park View Hotel', 'Gateway Inn', 'Harbour Lodge', 'Victoria Hotel', 'Crown Hotel', 'Beacon House'];

/** The kind of agency that holds a record. */
export type RecordAgency = 'LA' | 'POLICE' | 'HO';

export interface PopulationRecord {
  readonly record: MatchRecord;
  /** The child the record is of. */
  readonly child: number;
  /** The kind of agency that wrote it. */
  readonly agency: RecordAgency;
}

export interface Population {
  readonly records: readonly PopulationRecord[];
  /** The family of each child. */
  readonly family: readonly number[];
  /** The twin of each child, if any. */
  readonly twin: ReadonlyMap<number, number>;
}

interface Child {
  readonly id: number;
  readonly family: number;
  readonly community: Community;
  readonly sex: 'M' | 'F';
  readonly given: Name;
  /** Father's and grandfather's names, or the family name. */
  readonly surnames: readonly Name[];
  readonly middle: string | null;
  readonly dob: { y: number; m: number; d: number };
  readonly alias: Name | null;
  readonly address: { text: string; postcode: string };
  readonly phones: readonly string[];
  readonly homeOffice: string | null;
  readonly secondHomeOffice: string | null;
  readonly iabs: string | null;
  readonly ident1: string;
  readonly pnc: string;
  readonly upn: string | null;
}

/**
 * About `children` children in families (1–4 children, a few twins) and their records (one to
 * four each, about two on average), from `seed`.
 */
export function population(children: number, seed: number): Population {
  const rand = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');
  const pad = (n: number) => String(n).padStart(2, '0');
  const address = () => {
    const [town, area] = pick(TOWNS);
    return { text: `${int(1, 240)} ${pick(STREETS)}, ${town}`, postcode: `${area}${int(1, 29)} ${int(1, 9)}${letters(2)}` };
  };
  const hotels = HOTELS.map((h) => {
    const [town, area] = pick(TOWNS);
    return { text: `${h}, ${int(1, 90)} ${pick(STREETS)}, ${town}`, postcode: `${area}${int(1, 29)} ${int(1, 9)}${letters(2)}`, phone: `+44${int(1, 2)}0${digits(8)}` };
  });
  const mobile = () => `+447${digits(9)}`;
  const byShare = () => {
    let r = rand();
    for (const c of COMMUNITIES) if ((r -= c.share) < 0) return c;
    return COMMUNITIES[0]!;
  };

  const kids: Child[] = [];
  const family: number[] = [];
  const twin = new Map<number, number>();
  for (let f = 0; kids.length < children; f++) {
    const community = byShare();
    const alone = chance(community.alone);
    const size = alone ? 1 : pick([1, 1, 2, 2, 2, 3, 3, 4]);
    const surnames = community.patronymic ? [pick(community.families), pick(community.families)] : [pick(community.families)];
    const hotel = pick(hotels);
    const home = alone ? (chance(0.5) ? { text: hotel.text, postcode: hotel.postcode } : address()) : address();
    const carer = alone ? (chance(0.5) ? hotel.phone : null) : chance(0.7) ? mobile() : null;
    const twins = size >= 2 && chance(0.08);
    let year = int(2008, 2014);
    let previous: Child | null = null;
    // Names the family's children go by, given or alias: brothers and sisters are not named alike.
    const taken = new Set<string>();
    const fresh = (pool: readonly Name[]): Name | null => {
      for (let tries = 0; tries < 20; tries++) {
        const name = pick(pool);
        if (!taken.has(name[0])) return taken.add(name[0]) && name;
      }
      return null;
    };
    for (let k = 0; k < size; k++) {
      const sex: 'M' | 'F' = chance(alone ? 0.85 : 0.5) ? 'M' : 'F';
      const pool = sex === 'M' ? community.boys : community.girls;
      const given = fresh(pool) ?? pick(pool);
      const isTwin = twins && k === 1 && previous !== null;
      const dob = isTwin ? previous!.dob : { y: year, m: int(1, 12), d: int(1, 28) };
      const migrant = community.key !== 'british';
      const child: Child = {
        id: kids.length, family: f, community, sex, given, surnames,
        middle: community.middles ? pick(community.middles[sex]) : null,
        dob,
        alias: chance(0.08) ? fresh(pool) : migrant && chance(0.05) ? fresh(COMMUNITIES[0]!.boys) : null,
        address: home,
        phones: [...(carer ? [carer] : []), ...(chance(0.3) ? [mobile()] : [])],
        homeOffice: migrant ? `${letters(1)}${digits(7)}` : null,
        secondHomeOffice: migrant && chance(0.04) ? `${letters(1)}${digits(7)}` : null,
        iabs: migrant ? `IABS${digits(8)}` : null,
        ident1: `ID1${digits(8)}`,
        pnc: `${int(2018, 2026) % 100}/${digits(7)}${letters(1)}`,
        upn: !migrant || chance(0.3) ? `${letters(1)}${digits(11)}${letters(1)}` : null,
      };
      if (isTwin) twin.set(child.id, previous!.id).set(previous!.id, child.id);
      kids.push(child);
      family.push(f);
      previous = child;
      if (!isTwin) year += int(1, 4);
    }
  }

  const records: PopulationRecord[] = [];
  for (const child of kids) {
    const n = pick([1, 1, 1, 2, 2, 2, 2, 3, 3, 4]);
    for (let r = 0; r < n; r++) records.push({ ...recordOf(child, `r${records.length}`, r), child: child.id });
  }
  return { records, family, twin };

  /** One agency's record of a child: its own way of writing the name, the date it was given, the identifiers it holds. */
  function recordOf(c: Child, id: string, nth: number): { record: MatchRecord; agency: RecordAgency } {
    const migrant = c.community.key !== 'british';
    const agency = migrant ? pick(['LA', 'LA', 'POLICE', 'POLICE', 'HO', 'HO'] as const) : pick(['LA', 'LA', 'POLICE'] as const);
    const spell = (name: Name) => (name.length > 1 && chance(migrant ? 0.35 : 0.15) ? pick(name.slice(1)) : name[0]);
    const typo = (s: string) => {
      if (s.length < 4 || !chance(0.04)) return s;
      const i = int(1, s.length - 2);
      return chance(0.5) ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + String.fromCharCode(97 + int(0, 25)) + s.slice(i + 1);
    };
    const foundUnderAlias = c.alias !== null && agency === 'POLICE' && chance(0.3);
    const given = typo(spell(foundUnderAlias ? c.alias! : c.given));
    const families = c.surnames.map((s) => typo(spell(s)));
    const family = c.community.patronymic && chance(0.4) ? families.slice(0, 1) : families;
    let name: string;
    if (c.middle) {
      const order = int(0, 3);
      name = order === 0 ? `${family[0]} ${c.middle} ${given}` : order === 1 ? `${given} ${family[0]}` : order === 2 ? `${family[0]!.toUpperCase()}, ${c.middle} ${given}` : `${given} ${family[0]} ${c.middle}`;
    } else name = chance(0.3) ? `${family.join(' ').toUpperCase()}, ${given}` : `${given} ${family.join(' ')}`;
    const names = [name];
    if (c.alias && !foundUnderAlias && chance(0.4)) names.push(`${c.alias[0]} ${family[0]}`);
    // The Home Office writes the name as the child's documents or interpreter wrote it too.
    const script = c.community.script;
    if (agency === 'HO' && script && chance(0.5)) {
      const written = [c.given[0], ...c.surnames.map((s) => s[0])].map((w) => script[w]);
      if (written.every(Boolean)) {
        if (chance(0.3)) names.splice(0, names.length);
        names.push(written.join(' '));
      }
    }

    const { y, m, d } = c.dob;
    let dob: MatchRecord['dobs'];
    const full = (yy: number, mm: number, dd: number) => [{ value: `${yy}-${pad(mm)}-${pad(dd)}` }];
    const placeholder = migrant ? (agency === 'HO' ? 0.35 : 0.2) : 0;
    const assessed = placeholder + (migrant ? 0.15 : 0);
    const roll = rand();
    if (roll < placeholder) dob = full(y + int(-1, 1), 1, 1); // a placeholder, often of an assessed year
    else if (roll < assessed) dob = [{ value: String(y + int(-2, 1)), precision: 'YEAR' }]; // an assessed age
    else if (roll < assessed + 0.01 && d <= 12) dob = full(y, d, m); // day and month swapped
    else if (roll < assessed + 0.04) dob = full(y, m, Math.min(28, d + int(1, 9))); // the day mistyped
    else if (roll < assessed + 0.08) dob = [];
    else dob = full(y, m, d);

    const identifiers: { scheme: string; value: string; verified: boolean }[] = [];
    const biometrics: { repository: string; reference: string; modality: string }[] = [];
    const ho = c.secondHomeOffice && nth > 0 && chance(0.5) ? c.secondHomeOffice : c.homeOffice;
    if (agency === 'HO') {
      if (ho) identifiers.push({ scheme: 'HO_REF', value: ho, verified: false });
      if (c.iabs && chance(0.9)) biometrics.push({ repository: 'IABS', reference: c.iabs, modality: 'FINGERPRINT' });
    } else if (agency === 'POLICE') {
      if (chance(0.5)) identifiers.push({ scheme: 'PNC_ID', value: c.pnc, verified: true });
      if (chance(0.5)) biometrics.push({ repository: 'IDENT1', reference: c.ident1, modality: 'FINGERPRINT' });
      if (ho && chance(0.2)) identifiers.push({ scheme: 'HO_REF', value: ho, verified: false });
    } else {
      if (c.upn && chance(0.6)) identifiers.push({ scheme: 'UPN', value: c.upn, verified: true });
      if (ho && chance(0.4)) identifiers.push({ scheme: 'HO_REF', value: ho, verified: false });
      if (c.iabs && chance(0.15)) biometrics.push({ repository: 'IABS', reference: c.iabs, modality: 'FINGERPRINT' });
    }
    const where = agency === 'POLICE' && chance(0.5) ? address() : c.address;
    const withAddress = chance(agency === 'POLICE' ? 0.6 : 0.85);
    return { agency, record: {
      id,
      names,
      dobs: dob,
      sex: chance(0.97) ? c.sex : null,
      nationality: migrant ? (chance(0.85) ? (c.community.key === 'kurdish' && chance(0.3) ? 'IRN' : c.community.nationality) : null) : chance(0.5) ? 'GBR' : null,
      identifiers,
      biometrics,
      contacts: c.phones.filter(() => chance(0.4)),
      address: withAddress ? where.text : null,
      postcode: withAddress && chance(0.8) ? where.postcode : null,
    } };
  }
}
