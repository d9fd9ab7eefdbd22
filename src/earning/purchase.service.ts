import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { currencyDigits, parseMoney } from '../common/money';
import { BusinessError, CommonErrorCode, requireIdempotencyKey, UserError } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction, fingerprint, withRetry } from '../ledger/ledger-call';
import { LedgerEntryEntity, ledgerEntryFromRow } from '../ledger/ledger-entry.entity';
import { MemberEntity, memberFromRow } from '../member/member.entity';
import { normalizeCardNumber } from '../member/member.service';
import { MAX_BATCH, PurchaseErrorCode } from './purchase.errors';
import type { RecordPurchaseInput, RecordReturnInput } from './purchase.inputs';

export interface PurchaseOutcome {
  entryId: string | null;
  memberId: string;
  points: bigint;
  /** The EARN entry and the member as the SQL function returned them, when it did. */
  entry?: LedgerEntryEntity | null;
  member?: MemberEntity;
}

type PartnerPrincipal = Extract<Principal, { kind: 'PARTNER' }>;

/** One purchase's input checked and shaped for the SQL function; field paths relative to `field`. */
function purchaseArgs(input: RecordPurchaseInput, field: string[]) {
  const reference = input.reference.trim();
  if (reference.length < 1 || reference.length > 200 || /\p{Cc}/u.test(reference)) {
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'reference must be 1 to 200 printable characters', [...field, 'reference']);
  }
  const key = requireIdempotencyKey(input.idempotencyKey, [...field, 'idempotencyKey']);
  const { minor, currency } = parseMoney(input.amount, [...field, 'amount'], { positive: true });
  const card = normalizeCardNumber(input.cardNumber);
  return { key, request: { card, amount: minor, currency, reference }, digits: currencyDigits(currency)! };
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

/** Earning and returns at a partner: each one SQL call (see coalition_record_purchase / _return). */
export class PurchaseService {
  constructor(private readonly dataSource: DataSource) {}

  async record(principal: PartnerPrincipal, input: RecordPurchaseInput): Promise<PurchaseOutcome> {
    const { key, request, digits } = purchaseArgs(input, ['input']);
    const r = await callLedgerFunction(this.dataSource, 'coalition_record_purchase', { scope: principalRef(principal), key, request }, [
      principal.partnerId,
      request.card,
      request.amount,
      request.currency,
      digits,
      request.reference,
      principalRef(principal),
    ]);
    return outcome(r);
  }

  /** Up to MAX_BATCH purchases in one round trip; each succeeds or fails on its own. */
  async recordMany(principal: PartnerPrincipal, inputs: RecordPurchaseInput[]): Promise<(PurchaseOutcome | UserError[])[]> {
    if (inputs.length > MAX_BATCH) {
      throw new BusinessError(PurchaseErrorCode.TOO_MANY_PURCHASES, `At most ${MAX_BATCH} purchases per call; got ${inputs.length}`, [
        'input',
        'purchases',
      ]);
    }
    const scope = principalRef(principal);
    const results: (PurchaseOutcome | UserError[])[] = new Array(inputs.length);
    const items: Record<string, unknown>[] = [];
    const positions: number[] = [];
    inputs.forEach((input, i) => {
      try {
        const { key, request, digits } = purchaseArgs(input, []);
        const { card, amount, currency, reference } = request;
        const hash = fingerprint('coalition_record_purchase', request).toString('hex');
        items.push({ idx: items.length, key, fingerprint: hash, digits, card, amount: amount.toString(), currency, reference });
        positions.push(i);
      } catch (err) {
        if (!(err instanceof BusinessError)) throw err;
        results[i] = err.errors;
      }
    });
    if (items.length > 0) {
      const byItem = await this.recordBatch(scope, principal.partnerId, items);
      positions.forEach((position, i) => {
        const r = byItem[String(i)];
        results[position] = r.error ? [{ code: String(r.error), field: null, message: String(r.message) }] : outcome(r);
      });
    }
    return results;
  }

  /**
   * One call of coalition_record_purchases. A refusal that escapes its bulk checks (a reference
   * recorded concurrently) fails the whole call; the retry's bulk checks then report it per item.
   */
  private async recordBatch(
    scope: string,
    partnerId: string,
    items: Record<string, unknown>[],
  ): Promise<Record<string, Record<string, unknown>>> {
    // Every item carries its own idempotency key, so a retry after a lost connection replays.
    const call = () =>
      withRetry(
        () =>
          queryRows<{ result: Record<string, Record<string, unknown>> }>(
            this.dataSource,
            'SELECT coalition_record_purchases($1, $2, $3, $4) AS result',
            [scope, partnerId, JSON.stringify(items), scope],
          ),
        { connectionLost: true },
      );
    try {
      return (await call())[0].result;
    } catch (err) {
      if (!(err instanceof BusinessError)) throw err;
      return (await call())[0].result;
    }
  }

  async recordReturn(principal: PartnerPrincipal, input: RecordReturnInput): Promise<PurchaseOutcome> {
    const reference = input.reference.trim();
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
}
