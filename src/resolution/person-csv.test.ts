/** The person-record CSV of the evaluation interface. */
import { personRecord } from '.';

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
