import { upsert } from './feed';

const SQL = `insert into police.missing_report (a) select a from t
   on conflict (agency, report_ref) do update set found_by = excluded.found_by,
     last_seen = now(), retracted_at = null
   returning id, report_ref`;

test('an upsert is kept whole unless the feed is loading for the first time', () => {
  expect(upsert(SQL, false)).toBe(SQL);
});

test('on a first load the conflict clause goes, and a RETURNING after it stays', () => {
  expect(upsert(SQL, true)).toBe('insert into police.missing_report (a) select a from t\n   returning id, report_ref');
  expect(upsert('insert into x select 1 on conflict (a, b) do update set c = excluded.c, d = now()', true)).toBe('insert into x select 1');
});

test('ON CONFLICT DO NOTHING is not an upsert and is left alone', () => {
  const sql = 'insert into police.risk_grading (a) select 1 on conflict do nothing';
  expect(upsert(sql, true)).toBe(sql);
});
