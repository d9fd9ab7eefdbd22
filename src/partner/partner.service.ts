import DataLoader from 'dataloader';
import { DataSource, Repository } from 'typeorm';
import { queryRows } from '../database/data-source';
import { byIdLoader } from '../database/loaders';
import { newPartnerApiKey } from '../auth/credentials';
import type { Principal } from '../auth/principal';
import { compareDecimal, decimalScale } from '../common/decimal';
import { requireCurrency } from '../common/money';
import { applyIdKeyset, PageWindow } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, Validation } from '../common/user-error';
import { PartnerApiKeyEntity, PartnerContractEntity, PartnerEntity } from './partner.entity';
import { duplicatePartner, PartnerErrorCode, unknownApiKey, unknownPartner } from './partner.errors';
import type { AmendPartnerContractInput, CreatePartnerInput } from './partner.inputs';

/** Rates are stored exactly; ten decimals is finer than any price per point a contract quotes. */
const MAX_RATE_SCALE = 10;

export interface PartnerLoaders {
  partner: DataLoader<string, PartnerEntity | null>;
  currentContract: DataLoader<string, PartnerContractEntity | null>;
}

export class PartnerService {
  private readonly partners: Repository<PartnerEntity>;
  private readonly contracts: Repository<PartnerContractEntity>;
  private readonly apiKeys: Repository<PartnerApiKeyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.partners = dataSource.getRepository(PartnerEntity);
    this.contracts = dataSource.getRepository(PartnerContractEntity);
    this.apiKeys = dataSource.getRepository(PartnerApiKeyEntity);
  }

  /** Onboards a partner with contract version 1 (effective now) and its first API key, in one statement. */
  async create(input: CreatePartnerInput): Promise<{ partner: PartnerEntity; apiKey: string }> {
    const name = input.name.trim();
    const category = input.category.trim().toLowerCase();
    const giftCardRate = input.giftCardReimbursementRate ?? '1';
    validateTerms(
      new Validation()
        .text(name, ['input', 'name'], NAME_TEXT)
        .check(isCategory(category), CommonErrorCode.INVALID_INPUT, ['input', 'category'], CATEGORY_RULE),
      { ...input, giftCardReimbursementRate: giftCardRate },
    ).throwIfAny();
    const currency = requireCurrency(input.currency, ['input', 'currency']);

    const key = newPartnerApiKey();
    const rows: { id: string }[] = await queryRows(
      this.dataSource,
      `WITH partner AS (
         INSERT INTO partners (name, category, currency) VALUES ($1, $2, $3)
         ON CONFLICT ((lower(name))) DO NOTHING
         RETURNING id, created_at
       ), contract AS (
         INSERT INTO partner_contracts
           (partner_id, version, effective_from, points_per_unit, issuance_price_per_point,
            redemption_value_per_point, gift_card_reimbursement_rate)
         SELECT id, 1, created_at, $4, $5, $6, $7 FROM partner
       ), api_key AS (
         INSERT INTO partner_api_keys (partner_id, key_hash, key_prefix) SELECT id, $8, $9 FROM partner
       )
       SELECT id FROM partner`,
      [
        name,
        category,
        currency,
        input.pointsPerUnit,
        input.issuancePricePerPoint,
        input.redemptionValuePerPoint,
        giftCardRate,
        key.hash,
        key.prefix,
      ],
    );
    if (rows.length === 0) throw duplicatePartner(name);
    return { partner: await this.partners.findOneByOrFail({ id: rows[0].id }), apiKey: key.key };
  }

  /** A new contract version from `effectiveFrom` (now by default, never the past); earlier versions stay as recorded. */
  async amendContract(partnerId: string | null, input: AmendPartnerContractInput): Promise<PartnerContractEntity> {
    const effectiveFrom = input.effectiveFrom ?? new Date();
    const terms = {
      ...input,
      giftCardReimbursementRate: input.giftCardReimbursementRate ?? '1',
      breakageShare: input.breakageShare ?? '0',
    };
    validateTerms(new Validation(), terms)
      .check(
        isRate(terms.breakageShare, { atMostOne: true }),
        PartnerErrorCode.INVALID_RATE,
        ['input', 'breakageShare'],
        `breakageShare must be between 0 and 1 with at most ${MAX_RATE_SCALE} decimals`,
      )
      .check(
        effectiveFrom.getTime() >= Date.now() - 60_000,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'effectiveFrom'],
        'a contract cannot change the past: effectiveFrom must be now or later',
      )
      .throwIfAny();
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO partner_contracts (partner_id, version, effective_from, points_per_unit, issuance_price_per_point,
                                      redemption_value_per_point, gift_card_reimbursement_rate, breakage_share)
       SELECT partner_id, max(version) + 1, $2, $3, $4, $5, $6, $7 FROM partner_contracts WHERE partner_id = $1
       GROUP BY partner_id HAVING max(effective_from) < $2
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        partnerId,
        effectiveFrom,
        terms.pointsPerUnit,
        terms.issuancePricePerPoint,
        terms.redemptionValuePerPoint,
        terms.giftCardReimbursementRate,
        terms.breakageShare,
      ],
    );
    if (rows.length === 0) {
      if (!partnerId || !(await this.partners.existsBy({ id: partnerId }))) throw unknownPartner(['input', 'partnerId']);
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'effectiveFrom must be after the latest version’s', [
        'input',
        'effectiveFrom',
      ]);
    }
    return this.contracts.findOneByOrFail({ id: rows[0].id });
  }

  /** Moves a partner to a category (created on first use); returns how many rewards were withdrawn as a result. */
  async setCategory(partnerId: string | null, category: string): Promise<{ partner: PartnerEntity; deactivated: number }> {
    const code = category.trim().toLowerCase();
    if (!isCategory(code)) throw new BusinessError(CommonErrorCode.INVALID_INPUT, CATEGORY_RULE, ['input', 'category']);
    if (!partnerId) throw unknownPartner(['input', 'partnerId']);
    const [{ deactivated }] = await queryRows<{ deactivated: number }>(
      this.dataSource,
      'SELECT coalition_set_partner_category($1, $2) AS deactivated',
      [partnerId, code],
    );
    return { partner: await this.partners.findOneByOrFail({ id: partnerId }), deactivated };
  }

  async setCategoryExclusive(category: string, exclusive: boolean): Promise<string> {
    const code = category.trim().toLowerCase();
    if (!isCategory(code)) throw new BusinessError(CommonErrorCode.INVALID_INPUT, CATEGORY_RULE, ['input', 'category']);
    await queryRows(this.dataSource, 'SELECT coalition_set_category_exclusive($1, $2)', [code, exclusive]);
    return code;
  }

  /** Declares two partners competitors (beyond sharing a category); returns how many rewards were withdrawn. */
  async addCompetitors(partnerId: string | null, competitorId: string | null): Promise<number> {
    if (!partnerId || !competitorId) throw unknownPartner(['input']);
    const [{ deactivated }] = await queryRows<{ deactivated: number }>(
      this.dataSource,
      'SELECT coalition_add_competitors($1, $2) AS deactivated',
      [partnerId, competitorId],
    );
    return deactivated;
  }

  /** Issues an additional key (rotation: create the new one, switch the POS over, revoke the old one). */
  async createApiKey(partnerId: string | null): Promise<{ apiKey: string; entity: PartnerApiKeyEntity }> {
    const key = newPartnerApiKey();
    const rows: { id: string }[] = partnerId
      ? await queryRows(
          this.dataSource,
          `INSERT INTO partner_api_keys (partner_id, key_hash, key_prefix)
           SELECT id, $2, $3 FROM partners WHERE id = $1 RETURNING id`,
          [partnerId, key.hash, key.prefix],
        )
      : [];
    if (rows.length === 0) throw unknownPartner(['input', 'partnerId']);
    return { apiKey: key.key, entity: await this.apiKeys.findOneByOrFail({ id: rows[0].id }) };
  }

  /** Revokes a key at once: the next request with it is UNAUTHENTICATED. A partner may revoke only its own. */
  async revokeApiKey(keyId: string | null, principal: Principal): Promise<PartnerApiKeyEntity> {
    const ownPartner = principal.kind === 'PARTNER' ? principal.partnerId : null;
    const rows: { id: string }[] = keyId
      ? await queryRows(
          this.dataSource,
          `UPDATE partner_api_keys SET revoked_at = coalesce(revoked_at, now())
           WHERE id = $1 AND ($2::bigint IS NULL OR partner_id = $2) RETURNING id`,
          [keyId, ownPartner],
        )
      : [];
    if (rows.length === 0) throw unknownApiKey();
    return this.apiKeys.findOneByOrFail({ id: rows[0].id });
  }

  findApiKey(id: string): Promise<PartnerApiKeyEntity | null> {
    return this.apiKeys.findOneBy({ id });
  }

  listApiKeys(partnerId: string): Promise<PartnerApiKeyEntity[]> {
    return this.apiKeys.find({ where: { partnerId }, order: { id: 'ASC' } });
  }

  list(window: PageWindow): Promise<PartnerEntity[]> {
    return applyIdKeyset(this.partners.createQueryBuilder('p'), 'p.id', window).getMany();
  }

  createLoaders(): PartnerLoaders {
    return {
      partner: byIdLoader(this.partners),
      currentContract: new DataLoader(async (partnerIds) => {
        const found = await this.contracts
          .createQueryBuilder('c')
          .distinctOn(['c.partner_id'])
          .where('c.partner_id IN (:...partnerIds)', { partnerIds })
          .andWhere('c.effective_from <= now()')
          .orderBy('c.partner_id')
          .addOrderBy('c.effective_from', 'DESC')
          .getMany();
        return partnerIds.map((id) => found.find((c) => c.partnerId === id) ?? null);
      }),
    };
  }
}

const CATEGORY_RULE = 'category must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit';

function isCategory(code: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(code);
}

interface Terms {
  pointsPerUnit: string;
  issuancePricePerPoint: string;
  redemptionValuePerPoint: string;
  giftCardReimbursementRate: string;
}

/** The economic terms every contract version must satisfy. */
function validateTerms(validation: Validation, terms: Terms): Validation {
  return validation
    .check(
      isRate(terms.pointsPerUnit, { positive: true }),
      PartnerErrorCode.INVALID_RATE,
      ['input', 'pointsPerUnit'],
      `pointsPerUnit must be greater than zero with at most ${MAX_RATE_SCALE} decimals`,
    )
    .check(
      isRate(terms.issuancePricePerPoint),
      PartnerErrorCode.INVALID_RATE,
      ['input', 'issuancePricePerPoint'],
      `issuancePricePerPoint must be zero or more with at most ${MAX_RATE_SCALE} decimals`,
    )
    .check(
      isRate(terms.redemptionValuePerPoint),
      PartnerErrorCode.INVALID_RATE,
      ['input', 'redemptionValuePerPoint'],
      `redemptionValuePerPoint must be zero or more with at most ${MAX_RATE_SCALE} decimals`,
    )
    .check(
      isRate(terms.giftCardReimbursementRate, { atMostOne: true }),
      PartnerErrorCode.INVALID_RATE,
      ['input', 'giftCardReimbursementRate'],
      `giftCardReimbursementRate must be between 0 and 1 with at most ${MAX_RATE_SCALE} decimals`,
    );
}

function isRate(value: string, opts: { positive?: boolean; atMostOne?: boolean } = {}): boolean {
  if (decimalScale(value) > MAX_RATE_SCALE) return false;
  const sign = compareDecimal(value, '0');
  if (sign < 0 || (opts.positive && sign === 0)) return false;
  return !opts.atMostOne || compareDecimal(value, '1') <= 0;
}
