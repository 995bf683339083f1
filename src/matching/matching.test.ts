/** The matching library: each comparator level, the explanation sums, grades and the CSV record. */
import { transliterationDistance, withinOneEdit } from './strings';
import { compareTokens, soundForm, train, DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, foldText, MatchModel, nameTokens, personRecord, prepare, skeleton, variantKey, type MatchRecord } from '.';
import { compareDobs } from './compare';

const token = (name: string) => prepare({ id: 'x', names: [name] }).names[0]![0]!;
const model = new MatchModel(DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS);
const score = (a: Partial<MatchRecord>, b: Partial<MatchRecord>) => model.score(prepare({ id: 'a', names: [], ...a }), prepare({ id: 'b', names: [], ...b }));

describe('normalisation', () => {
  test('any script folds to lower-case Latin; apostrophes vanish', () => {
    expect(foldText('Nguyễn Văn Anh')).toBe('nguyen van anh');
    expect(foldText("O'Brien-Smith")).toBe('obrien smith');
    expect(foldText('Алекса́ндр')).toBe('aleksandr');
  });
  test('Arabic particles join one way, with the bare name kept', () => {
    expect(nameTokens('Abd al-Rahman').map((t) => t.text)).toEqual(['abdalrahman']);
    expect(nameTokens('al-Hassan')[0]!.forms).toEqual(['alhassan', 'hassan']);
    expect(nameTokens('Alhassan')[0]!.forms).toEqual(['alhassan', 'hassan']);
    expect(nameTokens('Nguyen Van Anh').map((t) => t.text)).toEqual(['nguyen', 'van', 'anh']);
  });
  test('"SURNAME, Given" reads as given then family', () => {
    expect(nameTokens('NGUYEN, Anh').map((t) => t.text)).toEqual(['anh', 'nguyen']);
  });
  test('a Greek -os goes only after five letters or more', () => {
    expect(soundForm('konstantinos')).toBe('konstantin');
    expect(soundForm('carlos')).toBe('karlos');
  });
  test('variant keys and skeletons', () => {
    expect(variantKey('aleksandr')).toBe(variantKey('alexander'));
    expect(variantKey('mohammed')).toBe(variantKey('muhammad'));
    expect(skeleton('petronilla')).toBe(skeleton('bytrwnyl'));
  });
});

describe('name token levels, strongest first', () => {
  test.each([
    ['anh', 'anh', 'EXACT'],
    ['sergei', 'sergey', 'VARIANT'],
    ['mohammed', 'muhammad', 'VARIANT'],
    ['stephens', 'stephenz', 'VARIANT'],
    ['anthony', 'antony', 'VARIANT'],
    ['neal', 'nil', 'PHONETIC'],
    ['jonathan', 'jonathon', 'VARIANT'],
    // Close by sound though a key differs: the glides y/j/i, g/h, a Latvian final s.
    ['yakov', 'jakov', 'VARIANT'],
    ['yevgeni', 'jewgeni', 'VARIANT'],
    ['ivans', 'ivan', 'VARIANT'],
    ['ihor', 'igor', 'VARIANT'],
    // ch for h or kh; sch spelled sh; French endings said as o; a Latin -us dropped; a long name
    // a little further apart.
    ['chana', 'hanna', 'VARIANT'],
    ['schwarz', 'shvarts', 'VARIANT'],
    ['renault', 'reno', 'VARIANT'],
    ['maximus', 'maksim', 'VARIANT'],
    ['yunus', 'younis', 'VARIANT'], // but not an Arabic name's own -us
    ['yevgeniya', 'eugenie', 'VARIANT'],
    ['vyacheslav', 'veaceslav', 'VARIANT'],
    // Endings one language writes and another does not: French -ot, Greek -os/-ios, Slavic -iy
    // and the patronymic.
    ['perrot', 'perreault', 'VARIANT'],
    ['konstantinos', 'konstantin', 'VARIANT'],
    ['georgios', 'georgi', 'VARIANT'],
    ['yevgeniy', 'yevgeni', 'VARIANT'],
    ['serhiyovych', 'sergeyevich', 'VARIANT'],
    // English and French vowels: ou, a silent gh, a final w, au before a consonant (not a final
    // Vietnamese au).
    ['younous', 'yunus', 'VARIANT'],
    ['leigh', 'lee', 'VARIANT'],
    ['drew', 'dru', 'VARIANT'],
    ['maurice', 'moris', 'VARIANT'],
    ['hau', 'ho', 'DIFFERENT'],
    // An English final -ie/-ey is i; an Italian initial gia/gio/giu is j.
    ['susie', 'suzy', 'VARIANT'],
    ['jennie', 'janney', 'VARIANT'],
    ['giulia', 'julia', 'VARIANT'],
    // Albanian xh and an initial dj are j; b/v and p/f are one Hebrew letter each.
    ['xhemal', 'jemal', 'VARIANT'],
    ['djamila', 'jamila', 'VARIANT'],
    ['habib', 'haviv', 'VARIANT'],
    // A Chinese initial x before i or u and a Wade–Giles hs are sh.
    ['xu', 'hsu', 'VARIANT'],
    ['xin', 'shin', 'VARIANT'],
    // An English initial wr is r; German chs is ks; n before b, p or m is m.
    ['wray', 'ray', 'VARIANT'],
    ['fuchs', 'fox', 'VARIANT'],
    ['honma', 'homma', 'VARIANT'],
    ['ricci', 'ritchie', 'VARIANT'],
    ['geoff', 'jeff', 'VARIANT'],
    ['mccall', 'maccoll', 'VARIANT'],
    ['mcavoy', 'mcevoy', 'VARIANT'],
    // A man's name and a woman's, a short name and its pet form: never variants. A final e is
    // often silent, so it makes no other name.
    ['karim', 'karima', 'SKELETON'],
    ['aleksandr', 'aleksandra', 'SKELETON'],
    ['dan', 'dani', 'SKELETON'],
    ['mark', 'marko', 'SKELETON'],
    ['nik', 'niki', 'SKELETON'],
    ['lynn', 'lynne', 'VARIANT'],
    ['ilir', 'iliri', 'VARIANT'], // an Albanian name's definite form
    // A shared sound key counts only for spellings close by sound.
    ['dani', 'dawn', 'SKELETON'],
    // A shared key but spellings far apart by sound: no longer a variant.
    ['rice', 'reyes', 'SKELETON'],
    // One long syllable spelled two ways sounds alike; a short vowel or a second syllable does not.
    ['kane', 'cain', 'PHONETIC'],
    ['fine', 'fein', 'PHONETIC'],
    ['pryce', 'preis', 'PHONETIC'],
    ['piet', 'pete', 'PHONETIC'],
    ['luce', 'loos', 'PHONETIC'],
    ['rey', 'rae', 'PHONETIC'],
    ['kei', 'kaye', 'PHONETIC'],
    ['nye', 'nai', 'PHONETIC'],
    ['lie', 'leigh', 'PHONETIC'],
    ['whyte', 'wight', 'PHONETIC'],
    ['coon', 'kuhn', 'PHONETIC'],
    ['lisle', 'lyle', 'PHONETIC'],
    ['eyck', 'ike', 'PHONETIC'],
    ['tighe', 'tye', 'PHONETIC'],
    // One spelling in a script that writes only long vowels (Hebrew, Arabic), read back two ways.
    ['pitt', 'pete', 'PHONETIC'],
    ['roll', 'rule', 'PHONETIC'],
    ['lois', 'luiz', 'PHONETIC'],
    ['dawn', 'don', 'PHONETIC'],
    ['belle', 'beal', 'PHONETIC'],
    // … but a final a makes a woman's name, and a y before a vowel is a consonant ("rice"/"reyes" above).
    ['sonja', 'song', 'SKELETON'],
    ['thompson', 'thomspon', 'JW_HIGH'],
    // Alike by Jaro–Winkler only in how they begin: not the same name.
    ['friedman', 'fried', 'JW_MID'],
    ['levi', 'levine', 'JW_MID'],
    ['maria', 'marta', 'JW_MID'],
    ['j', 'john', 'INITIAL'],
    ['anh', 'mai', 'DIFFERENT'],
  ])('%s / %s → %s', (a, b, level) => {
    expect(compareTokens(token(a), token(b))).toBe(level);
  });
  test('Arabic script against its Latin form agrees by consonant skeleton', () => {
    expect(['VARIANT', 'SCRIPT_SKELETON']).toContain(compareTokens(token('محمد'), token('Mohamed')));
    expect(compareTokens(token('بيترونيلا'), token('Petronilla'))).toBe('SCRIPT_SKELETON');
  });
});

describe('date of birth levels', () => {
  const dob = (a: string, b: string, pa?: 'DAY' | 'MONTH' | 'YEAR') => compareDobs(prepare({ id: 'a', names: [], dobs: [{ value: a, precision: pa }] }), prepare({ id: 'b', names: [], dobs: [{ value: b }] }))?.level;
  test.each([
    ['2009-03-15', '2009-03-15', 'YEAR'], // the 15th is a placeholder: year precision only
    ['2009-03-14', '2009-03-14', 'EXACT'],
    ['2009-03-04', '2009-04-03', 'SWAP'],
    ['2009-03-14', '2009-03-17', 'TYPO'],
    ['2009-01-01', '2009-07-20', 'YEAR'], // 1 January: a placeholder
    ['2010-01-01', '2009-07-20', 'NEAR_YEAR'],
    ['2009-06-20', '2010-07-20', 'DIFFERENT'],
    ['2001-06-20', '2009-07-20', 'FAR'],
    ['2001-01-01', '2009-07-20', 'DIFFERENT'], // a placeholder is never far: the year itself is a guess
  ])('%s / %s → %s', (a, b, level) => {
    expect(dob(a, b)).toBe(level);
  });
  test('an imprecise date agrees at its precision', () => {
    expect(dob('2009-03', '2009-03-20')).toBe('MONTH');
  });
});

describe('the model', () => {
  test('contributions sum to the weight, prior included, and reasons are plain words', () => {
    const s = score(
      { names: ['Van Anh'], dobs: [{ value: '2009', precision: 'YEAR' }], sex: 'M', biometrics: [{ repository: 'IABS', reference: 'IABS-1', modality: 'FINGERPRINT' }] },
      { names: ['Nguyen Van Anh'], dobs: [{ value: '2009-03-15' }], sex: 'M', biometrics: [{ repository: 'IABS', reference: 'IABS-1', modality: 'FINGERPRINT' }] },
    );
    expect(s.contributions.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(s.weight, 9);
    expect(s.contributions[0]).toMatchObject({ field: 'prior', weight: DEFAULT_PARAMETERS.priors.pair });
    expect(s.reasons[0]).toBe('same IABS fingerprint reference');
    expect(s.reasons).toContain('born the same year; day and month are a placeholder');
    expect(s.grade).toBe('CERTAIN');
  });
  test('transliteration variants alone are probable; different names are not', () => {
    expect(score({ names: ['Aleksandr'] }, { names: ['Alexander'] }).grade).toBe('PROBABLE');
    expect(score({ names: ['Aleksandr'] }, { names: ['Alexander'] }).reasons[0]).toMatch(/transliteration variants/);
    expect(score({ names: ['Aleksandr'] }, { names: ['Dmitri'] }).grade).toBe('CERTAINLY_NOT');
  });
  test('one name in two languages is a variant, and the reason says so; European forms of one another are left apart', () => {
    const born = { dobs: [{ value: '2010-06-01' }], sex: 'M' as const };
    const yusuf = score({ names: ['Yusuf Tesfay'], ...born }, { names: ['Joseph Tesfaye'], ...born });
    expect(yusuf.grade).toBe('CERTAIN');
    expect(yusuf.reasons).toContain('names are transliteration variants (tesfay / tesfaye); names are forms of one name in different languages (yusuf / joseph)');
    expect(compareTokens(token('dawit'), token('david'))).toBe('VARIANT');
    // By any form of the part: "Al-Ibrahim" is Ibrahim with its particle.
    expect(score({ names: ['Ahmad Al-Ibrahim'], ...born }, { names: ['Ahmad Abraham'], ...born }).reasons[0]).toContain('forms of one name in different languages (alibrahim / abraham)');
    expect(compareTokens(token('yohannes'), token('yahya'))).toBe('VARIANT');
    expect(compareTokens(token('ivan'), token('john'))).toBe('DIFFERENT');
    // A listed form by its sound: "Yaacov" is "Yakov", "Yossef" is "Yosef".
    expect(compareTokens(token('yaacov'), token('yakub'))).toBe('VARIANT');
    // Tigrinya "Mussie" is Moses; Ukrainian and Russian forms of one name.
    expect(compareTokens(token('mussie'), token('moses'))).toBe('VARIANT');
    expect(compareTokens(token('mykola'), token('nikolai'))).toBe('VARIANT');
    expect(compareTokens(token('yevhen'), token('evgeny'))).toBe('VARIANT');
    // Irish names and the English spellings of their sound.
    expect(compareTokens(token('sean'), token('shawn'))).toBe('VARIANT');
    expect(compareTokens(token('niamh'), token('neve'))).toBe('VARIANT');
  });
  test('namesakes with no identifier and no full date of birth in common are at most probable', () => {
    expect(score({ names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }], sex: 'M' }, { names: ['Khanh Pham'], dobs: [{ value: '2011', precision: 'YEAR' }], sex: 'M' }).grade).toBe('PROBABLE');
    expect(score({ names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }] }, { names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }] }).grade).toBe('CERTAIN');
  });
  test('a shared date of birth is no lead when the names share nothing, or only a consonant skeleton', () => {
    const born = { dobs: [{ value: '2011-03-02' }], sex: 'M' as const, nationality: 'VNM' };
    // One name of one part against two that differ: as different as two names of two parts.
    const oneWord = score({ names: ['Adam Guymer'], ...born }, { names: ['Ryan'], ...born });
    expect(oneWord.grade).toBe('POSSIBLE');
    expect(oneWord.contributions.find((c) => c.field === 'name')!.weight).toBeCloseTo(2 * Math.log2(0.02 / 0.95));
    expect(score({ names: ['Lori Maanya'], ...born }, { names: ['Elri Nekena'], ...born }).grade).toBe('POSSIBLE');
    // Evidence of another kind makes it a lead again (FEBRL's duplicates with both names replaced).
    const home = { address: '12 Kitchener Street Dover', postcode: 'CT16 1AA' };
    expect(score({ names: ['Peyton Cupo'], ...born, ...home }, { names: ['Imogen Clarke'], ...born, ...home }).grade).toBe('PROBABLE');
  });
  test('names and a date alone: a near date needs no name part that differs, or one written alike; different dates need every part alike', () => {
    const child = (name: string, dob: string): Partial<MatchRecord> => ({ names: [name], dobs: [{ value: dob }], sex: 'M', nationality: 'VNM' });
    // Children of one community born within a few years share a variant of one name part.
    const variant = score(child('Anna Nguyen', '2009-03-15'), child('Anya Tran', '2009-03-18'));
    expect(variant.nameLevels).toEqual(expect.arrayContaining(['VARIANT', 'DIFFERENT']));
    expect(variant.probability).toBeGreaterThanOrEqual(0.9);
    expect(variant.grade).toBe('POSSIBLE');
    // Written alike, the part's own weight says how common it is ("Van Anh", about 16).
    expect(score(child('Anh Nguyen', '2009-03-15'), child('Anh Tran', '2009-03-18')).grade).toBe('PROBABLE');
    // Two different full dates: names merely spelled alike are no lead; variants of every part are.
    const spelled = score(child('Tanda Elemo', '2010-02-03'), child('Tanwa Ulmo', '2010-07-09'));
    expect(spelled.probability).toBeGreaterThanOrEqual(0.9);
    expect(spelled.grade).toBe('POSSIBLE');
    expect(score(child('Yakov Ivanov', '2010-02-03'), child('Jakov Ivanov', '2010-07-09')).grade).toBe('PROBABLE');
  });
  test('siblings (same family name, real dates of birth years apart) are at most possible', () => {
    const sibling = (given: string, dob: string): Partial<MatchRecord> => ({ names: [`${given} Anla`], dobs: [{ value: dob }], sex: 'M', nationality: 'VNM' });
    expect(score(sibling('Anes', '2016-06-28'), sibling('Anke', '2014-10-27')).grade).toBe('POSSIBLE');
    // An age dispute gives a placeholder date: never years apart in that sense.
    expect(score(sibling('Anes', '2016-06-28'), sibling('Anes', '2014-01-01')).grade).toBe('PROBABLE');
  });
  test('twins (same family name and birthday, different given names) are not certain', () => {
    const twin = (given: string): Partial<MatchRecord> => ({ names: [`${given} Tesfay`], dobs: [{ value: '2010-05-06' }], sex: 'F', nationality: 'ERI' });
    expect(score(twin('Senait'), twin('Selam')).grade).not.toBe('CERTAIN');
  });
  test('a verified identifier shared by many identities is demoted', () => {
    const a = prepare({ id: 'a', names: [], identifiers: [{ scheme: 'PHONE_HOSTEL', value: '1', verified: true }] });
    const b = prepare({ id: 'b', names: [], identifiers: [{ scheme: 'PHONE_HOSTEL', value: '1', verified: true }] });
    const alone = model.score(a, b);
    const shared = model.score(a, b, { valueCount: () => 40 });
    expect(shared.contributions.find((c) => c.field === 'identifiers')!.level).toBe('SHARED');
    expect(shared.weight).toBeLessThan(alone.weight);
  });
});

describe('person-record CSV', () => {
  test('a bad value is left out and reported, the row kept', () => {
    const problems: string[] = [];
    const record = personRecord({ record_id: 'r1', given_name: 'Anh', family_name: 'Nguyen', dob: '2009-02-31', sex: 'M', identifiers: 'PNC_ID:2019/0123456E;junk' }, '', undefined, problems);
    expect(record.names).toEqual(['Anh Nguyen']);
    expect(record.dobs).toEqual([]);
    expect(record.identifiers).toEqual([{ scheme: 'PNC_ID', value: '2019/0123456E', verified: true }]);
    expect(problems).toEqual(['dob: expected a date as YYYY-MM-DD, YYYY-MM or YYYY', 'identifiers: expected scheme:value']);
  });
});

describe('training', () => {
  // Matches agree on date of birth and names; non-matches mostly do not.
  const matchVector = { levels: { dob: 'EXACT', sex: 'AGREE' }, nameLevels: ['EXACT', 'VARIANT'] };
  const nonMatch = (i: number) => ({ levels: { dob: i % 50 === 0 ? 'EXACT' : 'DIFFERENT', sex: i % 2 ? 'AGREE' : 'DISAGREE' }, nameLevels: ['DIFFERENT'] });
  const random = Array.from({ length: 2000 }, (_, i) => nonMatch(i));

  test('u comes from random pairs, m from EM over candidate pairs; the prior is kept', () => {
    const candidates = [...Array.from({ length: 300 }, () => matchVector), ...Array.from({ length: 700 }, (_, i) => nonMatch(i))];
    const result = train(DEFAULT_PARAMETERS, { random, candidates, positives: [] }, { version: 'test-1' });
    expect(result.method).toBe('EM');
    expect(result.parameters.version).toBe('test-1');
    expect(result.parameters.priors).toEqual(DEFAULT_PARAMETERS.priors);
    expect(result.matchShare).toBeGreaterThan(0.2);
    expect(result.matchShare).toBeLessThan(0.4);
    expect(result.parameters.fields.dob.EXACT!.u).toBeCloseTo(0.02, 2);
    expect(result.parameters.fields.dob.EXACT!.m).toBeGreaterThan(0.9);
    expect(result.parameters.fields.sex.AGREE!.u).toBeCloseTo(0.5, 1);
    // A level never seen keeps a small probability, never 0.
    expect(result.parameters.fields.biometrics.EQUAL!.u).toBeGreaterThan(0);
  });

  test('enough POSITIVE judgements give m directly', () => {
    const result = train(DEFAULT_PARAMETERS, { random, candidates: [], positives: Array.from({ length: 60 }, () => matchVector) }, { version: 'test-2' });
    expect(result.method).toBe('JUDGEMENTS');
    expect(result.parameters.fields.name.EXACT!.m).toBeGreaterThan(result.parameters.fields.name.DIFFERENT!.m);
  });
});

describe('transliteration distance', () => {
  const d = (a: string, b: string) => transliterationDistance(soundForm(a), soundForm(b));
  test('what alphabets write differently costs a fraction of an edit; anything else a whole one', () => {
    expect(d('yakov', 'jakov')).toBeCloseTo(0.15);
    expect(d('sergejs', 'sergei')).toBeCloseTo(0.65);
    expect(d('tchaikovsky', 'chaykovskiy')).toBeLessThan(0.7);
    expect(d('anh', 'mai')).toBeGreaterThanOrEqual(2);
    expect(d('maria', 'marta')).toBe(1);
    expect(d('abc', 'abc')).toBe(0);
  });
});

describe('one edit apart', () => {
  test.each([
    ['20090314', '20090314', true],
    ['20090314', '20090317', true], // a substitution
    ['20090314', '20091314', true],
    ['20090314', '20090341', true], // adjacent digits swapped
    ['B1234567', 'B123467', true], // a deletion
    ['B1234567', 'B12345678', true], // an insertion
    ['20090314', '20100314', false], // two digits
    ['20090314', '20090431', false],
    ['AB', 'BA', true],
    ['ABC', 'CBA', false],
    ['', 'A', true],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
    expect(withinOneEdit(b, a)).toBe(expected);
  });
});
