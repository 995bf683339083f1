/** The matching library: each comparator level, the explanation sums, grades and the CSV record. */
import { withinOneEdit } from './strings';
import { compareTokens, editDistance, EDIT_COSTS, soundKey, train, DEFAULT_PARAMETERS, DEFAULT_THRESHOLDS, foldText, gradeOf, MatchModel, nameTokens, prepare, type MatchRecord } from '.';
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
  test('the sound key blocking files a name under comes from the learned table: one key for spellings of one name, and for its Arabic script', () => {
    expect(soundKey('mohammed')).toBe(soundKey('muhammad'));
    expect(soundKey(token('محمد').text)).toBe(soundKey('mohammed'));
    expect(soundKey('kasim')).toBe(soundKey('qasim'));
    expect(soundKey('sergei')).toBe(soundKey('sergey'));
    expect(soundKey('ali')).toBeNull(); // one letter of key: every short name would share it
  });
});

describe('the learned name distance', () => {
  test('is in bits: 0 for one spelling, symmetric for Latin, cheap for what one transliteration writes for another, dear for other names', () => {
    expect(editDistance('anh', 'anh')).toBe(0);
    expect(editDistance('yakov', 'jakov')).toBe(editDistance('jakov', 'yakov'));
    expect(editDistance('yakov', 'jakov')).toBeLessThan(2);
    expect(editDistance('anh', 'mai')).toBeGreaterThan(20);
  });
  test('its table is a versioned data file with its provenance', () => {
    expect(EDIT_COSTS.version).toMatch(/^name-edit-costs-\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/);
    expect(EDIT_COSTS.levels.latin.VARIANT).toBeLessThan(EDIT_COSTS.levels.latin.SIMILAR);
  });
});

describe('name token levels, strongest first', () => {
  test.each([
    ['anh', 'anh', 'EXACT'],
    // Spellings the corpus saw written for one source spelling.
    ['sergei', 'sergey', 'EQUIVALENT'],
    ['mohammed', 'muhammad', 'EQUIVALENT'],
    ['mykola', 'nikolai', 'EQUIVALENT'],
    // Within the learned distance's VARIANT line.
    ['yakov', 'jakov', 'VARIANT'],
    ['ivans', 'ivan', 'VARIANT'],
    ['jonathan', 'jonathon', 'VARIANT'],
    ['younous', 'yunus', 'VARIANT'],
    ['xhemal', 'jemal', 'VARIANT'],
    ['djamila', 'jamila', 'VARIANT'],
    ['dawit', 'david', 'VARIANT'],
    ['tesfay', 'tesfaye', 'VARIANT'],
    ['konstantinos', 'konstantin', 'VARIANT'],
    // A typo is its own level, stronger than a spelling only SIMILAR.
    ['thompson', 'thomspon', 'JW_HIGH'],
    ['maria', 'marta', 'SIMILAR'],
    ['khalid', 'hamid', 'SIMILAR'],
    // A man's name and a woman's, a short name and its pet form: never variants, at most alike.
    ['karim', 'karima', 'JW_MID'],
    ['aleksandr', 'aleksandra', 'JW_MID'],
    ['mark', 'marko', 'JW_MID'],
    ['friedman', 'fried', 'JW_MID'],
    ['sonja', 'song', 'ALIKE'],
    ['j', 'john', 'INITIAL'],
    ['anh', 'mai', 'DIFFERENT'],
    ['ivan', 'john', 'DIFFERENT'],
  ])('%s / %s → %s', (a, b, level) => {
    expect(compareTokens(token(a), token(b))).toBe(level);
  });
  test('Arabic script against its Latin form: the script table; a letter it does not place is compared as Latin', () => {
    expect(compareTokens(token('محمد'), token('Mohamed'))).toBe('SCRIPT');
    expect(compareTokens(token('بيترونيلا'), token('Petronilla'))).toBe('SCRIPT');
    expect(compareTokens(token('يوسف'), token('Yusuf'))).toBe('SCRIPT');
    expect(compareTokens(token('کەریم'), token('Karim'))).toBe('VARIANT'); // Kurdish ە folds to e
  });
});

describe('date of birth levels', () => {
  const dob = (a: string, b: string, pa?: 'DAY' | 'MONTH' | 'YEAR') => compareDobs(prepare({ id: 'a', names: [], dobs: [{ value: a, precision: pa }] }), prepare({ id: 'b', names: [], dobs: [{ value: b }] }))?.level;
  test.each([
    ['2009-03-15', '2009-03-15', 'EXACT'], // the 15th is a real day (only 1 January is a placeholder)
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
      { names: ['Nguyen Van Anh'], dobs: [{ value: '2009-01-01' }], sex: 'M', biometrics: [{ repository: 'IABS', reference: 'IABS-1', modality: 'FINGERPRINT' }] },
    );
    expect(s.contributions.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(s.weight, 9);
    expect(s.contributions[0]).toMatchObject({ field: 'prior', weight: DEFAULT_PARAMETERS.priors.pair });
    expect(s.reasons[0]).toBe('same IABS fingerprint reference');
    expect(s.reasons).toContain('born the same year; day and month are a placeholder');
    expect(s.grade).toBe('CERTAIN');
  });
  test('transliteration variants alone are probable; different names are not', () => {
    expect(score({ names: ['Yakov'] }, { names: ['Jakov'] }).grade).toBe('PROBABLE');
    expect(score({ names: ['Yakov'] }, { names: ['Jakov'] }).reasons[0]).toMatch(/transliteration variants/);
    expect(score({ names: ['Aleksandr'] }, { names: ['Dmitri'] }).grade).toBe('CERTAINLY_NOT');
  });
  test('spellings the corpus attests for one name are equivalent, and the reason says so; a rarely attested one weighs less', () => {
    const born = { dobs: [{ value: '2010-06-01' }], sex: 'M' as const };
    const sergei = score({ names: ['Sergei Tesfay'], ...born }, { names: ['Sergey Tesfaye'], ...born });
    expect(sergei.grade).toBe('CERTAIN');
    expect(sergei.reasons).toContain('names are recorded spellings of one name (sergei / sergey); names are transliteration variants (tesfay / tesfaye)');
    // By any form of the part: "Al-Hassan" is Hassan with its particle.
    expect(compareTokens(token('Al-Hassan'), token('Hassan'))).toBe('EXACT');
    const weight = (a: string, b: string) => model.tokenWeight('EQUIVALENT', token(a), token(b));
    expect(weight('sergei', 'sergey')).toBeGreaterThan(weight('yang', 'jahn'));
  });
  test('m and u are probabilities: over each field\'s levels they sum to 1', () => {
    for (const [field, levels] of Object.entries(DEFAULT_PARAMETERS.fields)) {
      const sum = (which: 'm' | 'u') => Object.values(levels).reduce((s, p) => s + p[which], 0);
      expect([field, sum('m')]).toEqual([field, expect.closeTo(1, 6)]);
      expect([field, sum('u')]).toEqual([field, expect.closeTo(1, 6)]);
    }
  });
  test('the grade follows the probability, whatever the evidence', () => {
    const child = (name: string, dob: string): Partial<MatchRecord> => ({ names: [name], dobs: [{ value: dob }], sex: 'M', nationality: 'VNM' });
    const pairs: [Partial<MatchRecord>, Partial<MatchRecord>][] = [
      [child('Anna Nguyen', '2009-03-15'), child('Anya Tran', '2009-03-18')],
      [child('Tanda Elemo', '2010-02-03'), child('Tanwa Ulmo', '2010-07-09')],
      [{ names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }], sex: 'M' }, { names: ['Khanh Pham'], dobs: [{ value: '2011', precision: 'YEAR' }], sex: 'M' }],
      [child('Anes Anla', '2016-06-28'), child('Anke Anla', '2014-10-27')],
    ];
    for (const [a, b] of pairs) {
      const s = score(a, b);
      expect(s.grade).toBe(gradeOf(s.probability, DEFAULT_THRESHOLDS));
    }
  });
  test('the prior is the odds of a match among the pairs the candidate source considers', () => {
    const a = prepare({ id: 'a', names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }] });
    const b = prepare({ id: 'b', names: ['Khanh Pham'], dobs: [{ value: '2011-03-02' }] });
    const chosen = model.score(a, b);
    const dedupe = model.score(a, b, undefined, 'dedupe');
    expect(dedupe.contributions[0]).toMatchObject({ field: 'prior', weight: DEFAULT_PARAMETERS.priors.dedupe });
    expect(chosen.weight - dedupe.weight).toBeCloseTo(DEFAULT_PARAMETERS.priors.pair - DEFAULT_PARAMETERS.priors.dedupe, 9);
  });
  describe('brothers, sisters and twins are evidence against', () => {
    const home = { address: '12 Station Road, Leeds', postcode: 'LS1 4AB', contacts: ['+447700900123'], nationality: 'ERI' };
    const child = (name: string, dob: string, sex: 'M' | 'F' = 'F'): Partial<MatchRecord> => ({ names: [name], dobs: [{ value: dob }], sex, ...home });
    const dedupe = (a: Partial<MatchRecord>, b: Partial<MatchRecord>) => model.score(prepare({ id: 'a', names: [], ...a }), prepare({ id: 'b', names: [], ...b }), undefined, 'dedupe');
    test('twins: one family name, one date of birth, one home, different given names', () => {
      const twins = dedupe(child('Senait Tesfay', '2010-05-06'), child('Selam Tesfay', '2010-05-06'));
      expect(['POSSIBLE', 'CERTAINLY_NOT']).toContain(twins.grade);
      expect(twins.contributions.find((c) => c.field === 'family')).toMatchObject({ level: 'TWINS', reason: 'twins: same date, different given names' });
      expect(twins.reasons).toContain('twins: same date, different given names');
      expect(twins.contributions.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(twins.weight, 9);
      // One child, twice, at the same home: the family term does not stand in the way.
      expect(dedupe(child('Senait Tesfay', '2010-05-06'), child('TESFAY, Senait', '2010-05-06')).grade).toBe('CERTAIN');
    });
    test('siblings: one family name and home, dates of birth years apart', () => {
      const siblings = dedupe(child('Yonas Tesfay Kidane', '2009-02-11', 'M'), child('Dawit Tesfay Kidane', '2013-08-30', 'M'));
      expect(['POSSIBLE', 'CERTAINLY_NOT']).toContain(siblings.grade);
      expect(siblings.contributions.find((c) => c.field === 'family')!.level).toBe('SIBLINGS');
      expect(siblings.reasons).toContain('siblings: a name in common, different given names, born years apart');
    });
  });
  test('two valid identifiers of one scheme that differ weigh more against than two that may be mistyped', () => {
    const id = (value: string, verified: boolean) => ({ identifiers: [{ scheme: 'PNC_ID', value, verified }] });
    const verified = score(id('19/1234567A', true), id('21/7654321B', true));
    const unverified = score(id('19/1234567A', false), id('21/7654321B', false));
    expect(verified.contributions.find((c) => c.field === 'identifiers')).toMatchObject({ level: 'VERIFIED_DIFFERENT', reason: 'different PNC_ID (both check characters valid)' });
    expect(verified.weight).toBeLessThan(unverified.weight);
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

describe('weighing without explaining', () => {
  // Records of a few families and spellings, every pair of which is weighed: names that agree,
  // vary, differ or are missing, dates of each precision, shared phones and addresses.
  const givens = ['Mohammed Ali', 'Muhammad Aly', 'Ali', 'Anh Nguyen Van', 'NGUYEN, Anh', 'Thien Nguyen', 'Harry Williams', 'Jack Williams', 'محمد علي', 'Yusuf Joseph', 'Yosef', 'Ilir Hoxha', 'Iliri Hoxha', 'Karim', 'Karima', ''];
  const dobs = ['2009-03-14', '2009-01-01', '2009', '2008-03-14', '2009-14-03', '2012-07-30', ''];
  const records = givens.flatMap((name, i) => dobs.map((dob, j): MatchRecord => ({
    id: `${i}-${j}`, names: name ? [name, ...(i % 3 === 0 ? ['Abd al-Rahman Osman'] : [])] : [], dobs: dob ? [{ value: dob }] : [], sex: j % 3 === 0 ? null : j % 2 ? 'M' : 'F',
    contacts: (i + j) % 4 === 0 ? ['+447700900123'] : (i + j) % 4 === 1 ? ['+447700900456'] : [], address: (i * j) % 3 === 0 ? '12 Station Road, Leeds' : j % 2 ? '12 Station Rd Leeds' : null,
    postcode: j % 2 ? 'LS1 4AB' : 'LS1 4AP', identifiers: i % 4 === 0 ? [{ scheme: 'PNC_ID', value: `19/123456${j}A`, verified: j % 2 === 0 }] : [],
  })));
  const prepared = records.map(prepare);
  const freq = { valueCount: (key: string) => (key.includes('900123') ? 9 : 1), tokenFrequency: (t: string) => (t === 'nguyen' ? 0.05 : t.length === 3 ? 0.01 : undefined), records: 5000 };

  test('weigh finds the weight, probability and grade of score to the bit, and the contributions sum to it exactly', () => {
    const grades = new Map<string, number>();
    const differ: string[] = [];
    for (const source of ['pair', 'link'] as const) {
      for (const x of prepared) for (const y of prepared) {
        const s = model.score(x, y, freq, source);
        const w = model.weigh(x, y, freq, source);
        const sum = s.contributions.reduce((total, c) => total + c.weight, 0);
        if (!Object.is(w.weight, s.weight) || !Object.is(w.probability, s.probability) || w.grade !== s.grade || !Object.is(sum, s.weight)) differ.push(`${x.source.id}~${y.source.id} ${source}`);
        grades.set(s.grade, (grades.get(s.grade) ?? 0) + 1);
      }
    }
    expect(differ).toEqual([]);
    // The pairs span the grades, not only certainly-not.
    expect([...grades.keys()].sort()).toEqual(['CERTAIN', 'CERTAINLY_NOT', 'POSSIBLE', 'PROBABLE']);
  });

  test('the level of a token pair is the same from the cache as found afresh', () => {
    const tokens = prepared.flatMap((r) => r.names.flat());
    const first = tokens.flatMap((a) => tokens.map((b) => compareTokens(a, b)));
    const again = tokens.flatMap((a) => tokens.map((b) => compareTokens(a, b)));
    expect(again).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(4);
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

  test('parameters that are not probabilities are refused, not rescaled', () => {
    const dob = { ...DEFAULT_PARAMETERS.fields.dob, MONTH: { m: 0.8, u: 0.0045 } };
    const bad = { ...DEFAULT_PARAMETERS, fields: { ...DEFAULT_PARAMETERS.fields, dob } };
    expect(() => train(bad, { random, candidates: [], positives: [] }, { version: 'test-3' })).toThrow(/the m of dob sum to 1\.79\d*, not 1/);
  });

  test('enough POSITIVE judgements give m directly', () => {
    const result = train(DEFAULT_PARAMETERS, { random, candidates: [], positives: Array.from({ length: 60 }, () => matchVector) }, { version: 'test-2' });
    expect(result.method).toBe('JUDGEMENTS');
    expect(result.parameters.fields.name.EXACT!.m).toBeGreaterThan(result.parameters.fields.name.DIFFERENT!.m);
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
