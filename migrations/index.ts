import { Foundation1795869600000 } from './1795869600000-foundation';
import { Ledger1795873200000 } from './1795873200000-ledger';
import { Coalition1795876800000 } from './1795876800000-coalition';
import { Settlement1795880400000 } from './1795880400000-settlement';
import { LedgerSeals1795884000000 } from './1795884000000-ledger-seals';
import { PurchaseBatch1795887600000 } from './1795887600000-purchase-batch';
import { PointsLimits1795891200000 } from './1795891200000-points-limits';
import { SelfServiceReads1795898400000 } from './1795898400000-self-service-reads';
import { PartnerEvents1795902000000 } from './1795902000000-partner-events';
import { PointsFlow1795907400000 } from './1795907400000-points-flow';
import { MemberProfile1795911000000 } from './1795911000000-member-profile';
import { ServiceCases1795912000000 } from './1795912000000-service-cases';
import { ActivityDonation1795913000000 } from './1795913000000-activity-donation';
import { MemberPrivacy1795914000000 } from './1795914000000-member-privacy';
import { RetentionSegments1795915000000 } from './1795915000000-retention-segments';
import { RateLimits1795916000000 } from './1795916000000-rate-limits';
import { SqlFunctions1795917000000 } from './1795917000000-sql-functions';
import { LedgerPost1795918000000 } from './1795918000000-ledger-post';
import { JournalPartitions1795919000000 } from './1795919000000-journal-partitions';
import { MemberLotsTotal1795920000000 } from './1795920000000-member-lots-total';

/** Every migration, oldest first. Listed explicitly so the same list works from ts and compiled js. */
export const migrations = [
  Foundation1795869600000,
  Ledger1795873200000,
  Coalition1795876800000,
  Settlement1795880400000,
  LedgerSeals1795884000000,
  PurchaseBatch1795887600000,
  PointsLimits1795891200000,
  SelfServiceReads1795898400000,
  PartnerEvents1795902000000,
  PointsFlow1795907400000,
  MemberProfile1795911000000,
  ServiceCases1795912000000,
  ActivityDonation1795913000000,
  MemberPrivacy1795914000000,
  RetentionSegments1795915000000,
  RateLimits1795916000000,
  SqlFunctions1795917000000,
  LedgerPost1795918000000,
  JournalPartitions1795919000000,
  MemberLotsTotal1795920000000,
];
