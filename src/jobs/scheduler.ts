import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Services } from '../graphql/context';

/** A recurring job: cron in the coalition's time zone, and what it runs. Each handler is idempotent. */
export interface ScheduledJob {
  name: string;
  cron: string;
  run(services: Services, now: Date): Promise<unknown>;
}

export type SettlementCadence = 'daily' | 'monthly' | 'off';

/** The recurring jobs; the settlement close follows the configured cadence. */
export function scheduledJobs(cadence: SettlementCadence): ScheduledJob[] {
  const jobs: ScheduledJob[] = [
    { name: 'expire-points', cron: '0 3 * * *', run: (s, now) => s.ledger.expireLots(now, 'job:expire-points') },
    { name: 'expire-holds', cron: '*/5 * * * *', run: (s, now) => s.ledger.expireHolds(now, 'job:expire-holds') },
    { name: 'birthday-bonuses', cron: '5 0 * * *', run: (s, now) => s.engagement.grantBirthdayBonuses(now, 'job:birthday-bonuses') },
    { name: 'review-tiers', cron: '10 0 1 * *', run: (s, now) => s.tiers.review(now) },
    { name: 'seal-ledger', cron: '*/5 * * * *', run: (s) => s.ledger.seal() },
    { name: 'maintain-partitions', cron: '45 1 * * *', run: (s, now) => s.ledger.maintainPartitions(now) },
    { name: 'refresh-segments', cron: '30 2 * * *', run: (s) => s.retention.refreshSegments() },
  ];
  if (cadence !== 'off') {
    jobs.push({
      name: 'close-settlement',
      cron: cadence === 'daily' ? '15 0 * * *' : '15 0 1 * *',
      run: (s, now) => s.settlement.closeScheduled(now, cadence, 'job:close-settlement'),
    });
  }
  return jobs;
}

export interface Scheduler {
  boss: PgBoss;
  stop(): Promise<void>;
}

/**
 * Runs the recurring jobs with pg-boss on the same PostgreSQL (its own `pgboss` schema, which
 * pg-boss creates and migrates itself). Several servers may run it: pg-boss hands each
 * scheduled run to one worker.
 */
export async function startScheduler(
  databaseUrl: string,
  timeZone: string,
  cadence: SettlementCadence,
  services: Services,
  log: Logger,
): Promise<Scheduler> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 2 });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  for (const job of scheduledJobs(cadence)) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron, {}, { tz: timeZone });
    await boss.work(job.name, async () => {
      const result = await job.run(services, new Date());
      log.info({ job: job.name, result: typeof result === 'bigint' ? result.toString() : result }, 'job done');
    });
  }
  return { boss, stop: () => boss.stop({ graceful: true, wait: true }) };
}
