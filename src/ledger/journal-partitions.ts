import type { DataSource } from 'typeorm';
import { queryRows } from '../database/data-source';

export interface PartitionMaintenance {
  created: string[];
  dropped: string[];
  /** Writes after this instant would find no partition: the daily job keeps it months away. */
  coveredUntil: string;
}

/** Makes the journal's partitions ahead of `now` and drops idempotency-key partitions past retention. */
export async function maintainJournalPartitions(dataSource: DataSource, now: Date): Promise<PartitionMaintenance> {
  const [row] = await queryRows<{ result: PartitionMaintenance }>(dataSource, 'SELECT journal_partitions_maintain($1) AS result', [now]);
  return row.result;
}
