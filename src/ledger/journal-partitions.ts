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

/** Fewer days of partitions ahead than this and /ready warns: the daily job has missed a week. */
const JOURNAL_WARN_DAYS = 7;

export interface JournalCoverage {
  coveredUntil: Date;
  /** The journal takes no new row now: every value-moving write fails until partitions are made. */
  exhausted: boolean;
  /** Partitions run out within JOURNAL_WARN_DAYS. */
  runningOut: boolean;
}

/** How far ahead every journal table has a partition, as /ready reports it. */
export async function journalCoverage(dataSource: DataSource, now = new Date()): Promise<JournalCoverage> {
  const [{ until }] = await queryRows<{ until: Date }>(dataSource, 'SELECT journal_covered_until() AS until');
  const daysAhead = (until.getTime() - now.getTime()) / 86_400_000;
  return { coveredUntil: until, exhausted: daysAhead <= 0, runningOut: daysAhead < JOURNAL_WARN_DAYS };
}
