import { SqlSelect } from './sql-select';

describe('SqlSelect', () => {
  it('numbers placeholders in the order conditions are added and keeps ORDER BY and LIMIT last', () => {
    const [sql, params] = new SqlSelect('SELECT e.* FROM ledger_entries e')
      .andWhere('e.member_id = :member', { member: '7' })
      .andWhere('e.member_points <> 0')
      .andWhere('e.id < :before AND e.partner_id = :partner', { before: '99', partner: '3' })
      .orderBy('e.member_id', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(21)
      .toSql();
    expect(sql).toBe(
      'SELECT e.* FROM ledger_entries e WHERE e.member_id = $1 AND e.member_points <> 0 AND e.id < $2 AND e.partner_id = $3 ' +
        'ORDER BY e.member_id DESC, e.id DESC LIMIT 21',
    );
    expect(params).toEqual(['7', '99', '3']);
  });

  it('refuses a condition whose parameter has no value rather than sending a literal ":name"', () => {
    expect(() => new SqlSelect('SELECT 1 FROM members m').andWhere('m.id = :id', {})).toThrow('no value for :id');
  });

  it('orderBy replaces an earlier order', () => {
    const [sql] = new SqlSelect('SELECT 1 FROM members m').orderBy('m.id', 'ASC').orderBy('m.card_number', 'DESC').toSql();
    expect(sql).toBe('SELECT 1 FROM members m ORDER BY m.card_number DESC');
  });
});
