import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { currencyDigits, parseMoney } from '../common/money';
import { idSortKey, PageWindow, sqlKeyset } from '../common/relay';
import { Slots } from '../common/slots';
import { BusinessError, REFERENCE_TEXT, requireIdempotencyKey, requireText, UserError } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callKeyedFunction, callLedgerFunction, fingerprint, withRetry } from '../ledger/ledger-call';
import { LedgerEntryEntity, ledgerEntryFromRow } from '../ledger/ledger-entry.entity';
import { sqlRefusal } from '../ledger/ledger.errors';
import { MemberEntity, memberFromRow } from '../member/member.entity';
import { normalizeCardNumber } from '../member/member.service';
import { MAX_BATCH, PurchaseErrorCode } from './purchase.errors';
import type { RecordPurchaseInput, RecordReturnInput } from './purchase.inputs';
import type { PurchaseRow } from './purchase.types';

export interface PurchaseOutcome {
  entryId: string | null;
  memberId: string;
  points: bigint;
  /** The EARN entry and the member as the SQL function returned them, when it did. */
  entry?: LedgerEntryEntity | null;
  member?: MemberEntity;
}

type PartnerPrincipal = Extract<Principal, { kind: 'PARTNER' }>;

/** A purchase with its member's card and its returns, in one statement however long the page. */
const SELECT_PURCHASE = `
  SELECT p.id, p.partner_id, p.reference, m.card_number, p.amount_minor, p.returned_minor, p.currency, p.points, p.created_at,
         coalesce((SELECT jsonb_agg(jsonb_build_object('amount_minor', r.amount_minor::text, 'points', r.points::text,
                                                       'created_at', r.created_at) ORDER BY r.id)
                     FROM purchase_returns r WHERE r.purchase_id = p.id), '[]') AS returns
    FROM purchases p JOIN members m ON m.id = p.member_id`;

export interface PurchaseFilter {
  reference?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The SQL function for one purchase; its name is also part of every purchase's request fingerprint. */
const SINGLE = 'coalition_record_purchase';
/**
 * Calls of gathered single purchases running at once, and purchases per call. One: the next call
 * gathers everything that arrived during this one, so calls grow with load and the fixed cost of
 * a call is shared by more purchases; two calls at once halved each call and did more work per
 * purchase (64 clients: 2,150/s with one, 1,900/s with two, this machine).
 */
const IN_FLIGHT = 1;
const MAX_GATHERED = 100;
/**
 * Fewer gathered purchases than this run one call each: the batch function costs about 5 ms plus
 * 0.55 ms a purchase, coalition_record_purchase 2.3 ms a purchase (pgbench, one connection).
 */
const MIN_GATHERED = 3;

/** One purchase as coalition_record_purchases takes it. */
interface PurchaseItem {
  scope: string;
  partner: string;
  principal: string;
  key: string;
  fingerprint: string;
  card: string;
  amount: string;
  currency: string;
  digits: number;
  reference: string;
}

/** One purchase's input checked and shaped for coalition_record_purchases; field paths relative to `field`. */
function purchaseItem(principal: PartnerPrincipal, input: RecordPurchaseInput, field: string[]): PurchaseItem {
  const reference = requireText(input.reference, [...field, 'reference'], REFERENCE_TEXT);
  const key = requireIdempotencyKey(input.idempotencyKey, [...field, 'idempotencyKey']);
  const { minor, currency } = parseMoney(input.amount, [...field, 'amount'], { positive: true });
  const card = normalizeCardNumber(input.cardNumber);
  const scope = principalRef(principal);
  return {
    scope,
    partner: principal.partnerId,
    principal: scope,
    key,
    // The same fingerprint as a single coalition_record_purchase call: a retry replays whichever path ran first.
    fingerprint: fingerprint(SINGLE, { card, amount: minor, currency, reference }).toString('hex'),
    card,
    amount: minor.toString(),
    currency,
    digits: currencyDigits(currency)!,
    reference,
  };
}

function outcome(r: Record<string, unknown>): PurchaseOutcome {
  return {
    entryId: (r.entryId as string | null) ?? null,
    memberId: String(r.memberId),
    points: BigInt(r.points as number),
    ...(r.member ? { member: memberFromRow(r.member as Record<string, unknown>) } : {}),
    ...('entry' in r ? { entry: r.entry ? ledgerEntryFromRow(r.entry as Record<string, unknown>) : null } : {}),
  };
}

/** One item's answer from coalition_record_purchases: its result, or its refusal as a BusinessError. */
function itemResult(r: Record<string, unknown>): PurchaseOutcome | BusinessError {
  return r.error ? sqlRefusal(String(r.error), String(r.message)) : outcome(r);
}

/**
 * Earning and returns at a partner. Purchases go through coalition_record_purchases: a file of
 * them in one call, and concurrent single purchases gathered into one call by `gathered`.
 */
export class PurchaseService {
  /**
   * Group commit: single purchases arriving while IN_FLIGHT calls are running wait and leave
   * together in the next call (up to MAX_GATHERED), one transaction and one commit for all.
   */
  private readonly gathered: DataLoader<PurchaseItem, PurchaseOutcome>;

  constructor(private readonly dataSource: DataSource) {
    const slots = new Slots(IN_FLIGHT);
    this.gathered = new DataLoader((items) => slots.release(this.recordGathered(items)), {
      cache: false,
      maxBatchSize: MAX_GATHERED,
      batchScheduleFn: (dispatch) => slots.acquire(dispatch),
    });
  }

  async record(principal: PartnerPrincipal, input: RecordPurchaseInput): Promise<PurchaseOutcome> {
    return this.gathered.load(purchaseItem(principal, input, ['input']));
  }

  /** Up to MAX_BATCH purchases in one round trip; each succeeds or fails on its own. */
  async recordMany(principal: PartnerPrincipal, inputs: RecordPurchaseInput[]): Promise<(PurchaseOutcome | UserError[])[]> {
    if (inputs.length > MAX_BATCH) {
      throw new BusinessError(PurchaseErrorCode.TOO_MANY_PURCHASES, `At most ${MAX_BATCH} purchases per call; got ${inputs.length}`, [
        'input',
        'purchases',
      ]);
    }
    const results: (PurchaseOutcome | UserError[])[] = new Array(inputs.length);
    const items: PurchaseItem[] = [];
    const positions: number[] = [];
    inputs.forEach((input, i) => {
      try {
        items.push(purchaseItem(principal, input, []));
        positions.push(i);
      } catch (err) {
        if (!(err instanceof BusinessError)) throw err;
        results[i] = err.errors;
      }
    });
    if (items.length > 0) {
      let byItem: Record<string, Record<string, unknown>>;
      try {
        byItem = await this.recordBatch(items);
      } catch (err) {
        // A refusal that escaped the bulk checks (a reference recorded concurrently): the retry's bulk checks report it per item.
        if (!(err instanceof BusinessError)) throw err;
        byItem = await this.recordBatch(items);
      }
      positions.forEach((position, i) => {
        const r = itemResult(byItem[String(i)]);
        results[position] = r instanceof BusinessError ? r.errors : r;
      });
    }
    return results;
  }

  /** One call of coalition_record_purchases. Every item carries its own idempotency key, so a retry after a lost connection replays. */
  private async recordBatch(items: PurchaseItem[]): Promise<Record<string, Record<string, unknown>>> {
    const [{ result }] = await withRetry(
      () =>
        queryRows<{ result: Record<string, Record<string, unknown>> }>(this.dataSource, 'SELECT coalition_record_purchases($1) AS result', [
          JSON.stringify(items.map((item, idx) => ({ idx, ...item }))),
        ]),
      { connectionLost: true },
    );
    return result;
  }

  /**
   * Gathered single purchases. A key sent twice at once (a client retrying) must replay, not be
   * refused as repeated within a batch, so later copies run alone after the call. A refusal that
   * escapes the bulk checks fails the call: then each purchase runs alone and only its own fails.
   * Too few to be worth a batch call, they run alone too.
   */
  private async recordGathered(items: readonly PurchaseItem[]): Promise<(PurchaseOutcome | Error)[]> {
    const firstByKey = new Map<string, PurchaseItem>();
    for (const item of items) if (!firstByKey.has(`${item.scope}\n${item.key}`)) firstByKey.set(`${item.scope}\n${item.key}`, item);
    const first = [...firstByKey.values()];
    let byItem: Record<string, Record<string, unknown>> | null = null;
    try {
      if (first.length >= MIN_GATHERED) byItem = await this.recordBatch(first);
    } catch (err) {
      if (!(err instanceof BusinessError)) throw err;
    }
    const answers = new Map(first.map((item, i) => [item, byItem ? itemResult(byItem[String(i)]) : null]));
    return Promise.all(items.map(async (item) => answers.get(item) ?? this.recordAlone(item).catch((err: Error) => err)));
  }

  private async recordAlone(item: PurchaseItem): Promise<PurchaseOutcome> {
    const { scope, key, partner, card, amount, currency, digits, reference, principal } = item;
    const keyed = { scope, key, fingerprint: Buffer.from(item.fingerprint, 'hex') };
    return outcome(
      await callKeyedFunction(this.dataSource, SINGLE, keyed, [partner, card, amount, currency, digits, reference, principal]),
    );
  }

  async recordReturn(principal: PartnerPrincipal, input: RecordReturnInput): Promise<PurchaseOutcome> {
    const reference = requireText(input.reference, ['input', 'reference'], REFERENCE_TEXT);
    const key = requireIdempotencyKey(input.idempotencyKey);
    const { minor, currency } = parseMoney(input.amount, ['input', 'amount'], { positive: true });
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_record_return',
      { scope: principalRef(principal), key, request: { reference, amount: minor, currency } },
      [principal.partnerId, reference, minor, currency, principalRef(principal)],
    );
    return outcome(r);
  }

  async find(id: string): Promise<PurchaseRow | null> {
    const [row] = await queryRows<PurchaseRow>(this.dataSource, `${SELECT_PURCHASE} WHERE p.id = $1`, [id]);
    return row ?? null;
  }

  /**
   * A partner's purchases, newest first. Only the filters given become conditions (a handful of
   * static statement texts), so a reference is looked up through its unique index.
   */
  listForPartner(partnerId: string, filter: PurchaseFilter, window: PageWindow): Promise<PurchaseRow[]> {
    const params: unknown[] = [partnerId];
    const conditions = ['p.partner_id = $1'];
    const reference = filter.reference?.trim();
    for (const [value, condition] of [
      [reference, 'p.reference ='],
      [filter.from, 'p.created_at >='],
      [filter.to, 'p.created_at <'],
    ] as const) {
      if (value == null) continue;
      params.push(value);
      conditions.push(`${condition} $${params.length}`);
    }
    const page = sqlKeyset(idSortKey('p.id'), window, 'DESC', params.length + 1);
    return queryRows<PurchaseRow>(
      this.dataSource,
      `${SELECT_PURCHASE} WHERE ${conditions.join(' AND ')} AND ${page.where} ${page.orderLimit}`,
      [...params, ...page.params],
    );
  }
}
