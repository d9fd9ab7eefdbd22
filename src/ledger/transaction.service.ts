import { DataSource, In, Repository } from 'typeorm';
import { applyIdKeyset, PageWindow } from '../common/relay';
import { LedgerEntryEntity } from './ledger-entry.entity';

/** Reads of the journal as members' transaction history. */
export class TransactionService {
  private readonly entries: Repository<LedgerEntryEntity>;

  constructor(dataSource: DataSource) {
    this.entries = dataSource.getRepository(LedgerEntryEntity);
  }

  /** A member's movements of spendable points, newest first; `partnerId` narrows to one partner's. */
  listForMember(memberId: string, window: PageWindow, partnerId: string | null): Promise<LedgerEntryEntity[]> {
    const query = this.entries.createQueryBuilder('e').where('e.member_id = :memberId', { memberId }).andWhere('e.member_points <> 0');
    if (partnerId) query.andWhere('e.partner_id = :partnerId', { partnerId });
    return applyIdKeyset(query, 'e.id', window, 'DESC').getMany();
  }

  find(id: string): Promise<LedgerEntryEntity | null> {
    return this.entries.findOneBy({ id });
  }

  async findMany(ids: string[]): Promise<Map<string, LedgerEntryEntity>> {
    const found = ids.length > 0 ? await this.entries.findBy({ id: In(ids) }) : [];
    return new Map(found.map((e) => [e.id, e]));
  }
}
