import { createHash, randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { parseMoney } from '../common/money';
import { requireIdempotencyKey } from '../common/user-error';
import { callLedgerFunction } from '../ledger/ledger-call';
import { sqlRefusal } from '../ledger/ledger.errors';
import { GiftCardEntity } from './gift-card.entity';
import type { RedeemGiftCardInput } from './gift-card.types';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new gift-card code: 160 random bits in Crockford base32, grouped for reading aloud at a till. */
export function newGiftCardCode(): { code: string; hash: Buffer } {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  const code = `GC-${out.match(/.{4}/g)!.join('-')}`;
  return { code, hash: giftCardCodeHash(code) };
}

/** Codes compare without separators or case, so a till may type them either way. */
export function giftCardCodeHash(code: string): Buffer {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest();
}

export class GiftCardService {
  private readonly cards: Repository<GiftCardEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.cards = dataSource.getRepository(GiftCardEntity);
  }

  /** Spends `amount` of a card at the calling partner's till; wrong codes are throttled per caller. */
  async redeem(principal: Extract<Principal, { kind: 'PARTNER' }>, input: RedeemGiftCardInput): Promise<GiftCardEntity> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const { minor, currency } = parseMoney(input.amount, ['input', 'amount'], { positive: true });
    const hash = giftCardCodeHash(input.code);
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_redeem_gift_card',
      { scope: principalRef(principal), key, request: { code: hash.toString('hex'), amount: minor, currency } },
      [hash, principal.partnerId, minor, currency, principalRef(principal)],
    );
    if (r.error) throw sqlRefusal(String(r.error), String(r.message), ['input', 'code']);
    return this.cards.findOneByOrFail({ id: String(r.giftCardId) });
  }

  find(id: string): Promise<GiftCardEntity | null> {
    return this.cards.findOneBy({ id });
  }

  findByRedemption(redemptionId: string): Promise<GiftCardEntity | null> {
    return this.cards.findOneBy({ redemptionId });
  }

  listForMember(memberId: string): Promise<GiftCardEntity[]> {
    return this.cards.find({ where: { memberId }, order: { id: 'DESC' } });
  }
}
