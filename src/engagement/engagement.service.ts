import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { localIdOf, toGlobalId } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, REASON_TEXT, requireIdempotencyKey, TextRule, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction, withRetry } from '../ledger/ledger-call';
import { normalizeCardNumber } from '../member/member.service';
import { unknownPartner } from '../partner/partner.errors';
import { CreateSurveyInput, GrantGoodwillInput, SubmitSurveyInput, Survey } from './engagement.types';

const MAX_ANSWERS = 50;
const ANSWER_TEXT: TextRule = { min: 0, max: 2000, multiline: true };

/** Points for goodwill, surveys and birthdays (the referral bonus is paid with the first purchase). */
export class EngagementService {
  constructor(private readonly dataSource: DataSource) {}

  /** A goodwill grant by a partner (at its cost) or the operator (at the coalition's), always with a reason. */
  async grantGoodwill(principal: Principal, input: GrantGoodwillInput): Promise<{ entryId: string; memberId: string }> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const reason = input.reason.trim();
    new Validation().points(input.points, ['input', 'points']).text(reason, ['input', 'reason'], REASON_TEXT).throwIfAny();
    const card = normalizeCardNumber(input.cardNumber);
    const funder = principal.kind === 'PARTNER' ? principal.partnerId : null;
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_goodwill',
      { scope: principalRef(principal), key, request: { card, points: input.points, reason } },
      [card, input.points, funder, reason, principalRef(principal)],
    );
    return { entryId: String(r.entryId), memberId: String(r.memberId) };
  }

  async createSurvey(input: CreateSurveyInput): Promise<Survey> {
    const name = input.name.trim();
    new Validation().text(name, ['input', 'name'], NAME_TEXT).points(input.points, ['input', 'points']).throwIfAny();
    const funder = input.funderPartnerId ? localIdOf(input.funderPartnerId, 'Partner') : null;
    if (input.funderPartnerId && !funder) throw unknownPartner(['input', 'funderPartnerId']);
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO surveys (name, points, funder_partner_id) SELECT $1, $2, $3
        WHERE $3::bigint IS NULL OR EXISTS (SELECT 1 FROM partners WHERE id = $3) RETURNING id`,
      [name, input.points, funder],
    );
    if (rows.length === 0) throw unknownPartner(['input', 'funderPartnerId']);
    return Object.assign(new Survey(), { id: toGlobalId('Survey', rows[0].id), name, points: input.points });
  }

  /** A member's completed survey: answers stored, points paid once per survey and member. */
  async submitSurvey(
    principal: Extract<Principal, { kind: 'MEMBER' }>,
    input: SubmitSurveyInput,
  ): Promise<{ entryId: string; memberId: string }> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const surveyId = localIdOf(input.surveyId, 'Survey');
    const validation = new Validation().check(
      input.answers.length >= 1 && input.answers.length <= MAX_ANSWERS,
      CommonErrorCode.INVALID_INPUT,
      ['input', 'answers'],
      `between 1 and ${MAX_ANSWERS} answers`,
    );
    input.answers.forEach((a, i) =>
      validation
        .text(a.question, ['input', 'answers', String(i), 'question'], ANSWER_TEXT)
        .text(a.answer, ['input', 'answers', String(i), 'answer'], ANSWER_TEXT),
    );
    validation.throwIfAny();
    if (!surveyId) throw new BusinessError('UNKNOWN_SURVEY', 'No such open survey', ['input', 'surveyId']);
    const answers = input.answers.map(({ question, answer }) => ({ question, answer }));
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_submit_survey',
      { scope: principalRef(principal), key, request: { surveyId, answers } },
      [surveyId, principal.cardNumber, JSON.stringify(answers), principalRef(principal)],
    );
    return { entryId: String(r.entryId), memberId: String(r.memberId) };
  }

  /** Pays the birthday bonus to members whose birthday is `asOf`'s date; once a year each. */
  async grantBirthdayBonuses(asOf: Date, principal: string): Promise<number> {
    const [row] = await withRetry(() =>
      queryRows<{ granted: number }>(this.dataSource, 'SELECT coalition_birthday_bonuses($1, $2) AS granted', [asOf, principal]),
    );
    return row.granted;
  }
}
