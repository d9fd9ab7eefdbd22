import type { DataSource, Repository } from 'typeorm';
import { applyIdKeyset, PageWindow } from '../common/relay';
import { queryRows } from '../database/data-source';
import { SqlSelect } from '../database/sql-select';
import { LedgerEntryEntity, ledgerEntryFromRow } from './ledger-entry.entity';

/** Reads of the journal as members' transaction history. */
export class TransactionService {
  private readonly entries: Repository<LedgerEntryEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.entries = dataSource.getRepository(LedgerEntryEntity);
  }

  /** A member's movements of spendable points, newest first; `partnerId` narrows to one partner's. */
  async listForMember(memberId: string, window: PageWindow, partnerId: string | null): Promise<LedgerEntryEntity[]> {
    const query = new SqlSelect('SELECT e.* FROM ledger_entries e')
      .andWhere('e.member_id = :memberId', { memberId })
      .andWhere('e.member_points <> 0');
    if (partnerId) query.andWhere('e.partner_id = :partnerId', { partnerId });
    // Ordering by the index's own columns keeps the plan on (member_id, id) whatever the statistics say.
    const rows = await queryRows<Record<string, unknown>>(
      this.dataSource,
      ...applyIdKeyset(query, 'e.id', window, 'DESC', 'e.member_id').toSql(),
    );
    return rows.map(ledgerEntryFromRow);
  }

  find(id: string): Promise<LedgerEntryEntity | null> {
    return this.entries.findOneBy({ id });
  }
}
