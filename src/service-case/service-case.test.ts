import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import {
  AllServiceCasesDocument,
  CloseSettlementPeriodDocument,
  MemberServiceCasesDocument,
  OpenServiceCaseDocument,
  OpenServiceCaseInput,
  PartnerPurchasesDocument,
  PartnerServiceCasesDocument,
  PartnerStatementsDocument,
  RateServiceCaseDocument,
  RecordPurchaseDocument,
  ResolveServiceCaseDocument,
  ServiceCaseNodeDocument,
  ServiceCaseStatsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
let rival: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  rival = await onboardPartner(t);
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const open = async (client: GraphQLClient, input: Partial<OpenServiceCaseInput> & { cardNumber: string }) => {
  const { openServiceCase } = await client.ok(OpenServiceCaseDocument, {
    input: { subject: 'Wrong price charged', category: 'BILLING', ...input },
  });
  expect(openServiceCase.userErrors).toEqual([]);
  return openServiceCase.serviceCase!;
};
const resolve = (client: GraphQLClient, caseId: string, goodwillPoints?: number, idempotencyKey = newKey()) =>
  client.ok(ResolveServiceCaseDocument, { input: { caseId, resolution: 'Refunded and apologised', goodwillPoints, idempotencyKey } });
const rate = async (card: string, caseId: string, satisfaction: number) =>
  (await t.anonymous.as(await t.memberToken(card)).ok(RateServiceCaseDocument, { input: { caseId, satisfaction } })).rateServiceCase;
const codes = (errors: { code: string }[]) => errors.map((e) => e.code);

describe('service cases', () => {
  it('opens at a partner for its purchase, due in two days by default, and refuses unknown cards and foreign purchases', async () => {
    const card = await enrolMember(t);
    const reference = newKey();
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '20', currency: 'EUR' }, reference, idempotencyKey: newKey() },
    });
    const purchases = await grocer.client.ok(PartnerPurchasesDocument, { id: grocer.id, reference });
    const purchaseId = (purchases.node as { purchases: { edges: { node: { id: string } }[] } }).purchases.edges[0].node.id;
    const opened = await open(grocer.client, { cardNumber: card, purchaseId });
    expect(opened).toMatchObject({
      cardNumber: card,
      status: 'OPEN',
      purchaseReference: reference,
      partner: { id: grocer.id },
      resolvedAt: null,
    });
    const dueInHours = (new Date(opened.followUpDueAt).getTime() - new Date(opened.openedAt).getTime()) / 3.6e6;
    expect(dueInHours).toBeCloseTo(48, 1);

    const refused = async (client: GraphQLClient, input: Partial<OpenServiceCaseInput>) =>
      codes(
        (await client.ok(OpenServiceCaseDocument, { input: { cardNumber: card, subject: 'x', category: 'OTHER', ...input } }))
          .openServiceCase.userErrors,
      );
    expect(await refused(grocer.client, { cardNumber: 'NO-SUCH-CARD' })).toEqual(['UNKNOWN_MEMBER']);
    expect(await refused(rival.client, { purchaseId })).toEqual(['UNKNOWN_PURCHASE']);
    expect(await refused(grocer.client, { subject: '  ' })).toEqual(['INVALID_INPUT']);
    expect(await refused(grocer.client, { followUpDueAt: new Date(Date.now() - 1000).toISOString() })).toEqual(['INVALID_INPUT']);
    expect(await refused(grocer.client, { partnerId: rival.id })).toEqual(['NOT_ALLOWED']);
    // The operator may open a case about a partner, or about none.
    expect((await open(t.operator, { cardNumber: card, partnerId: rival.id })).partner).toEqual({ id: rival.id });
    expect((await open(t.operator, { cardNumber: card })).partner).toBeNull();
  });

  it("resolves once with goodwill at the resolver's cost; a replay answers the first result; the goodwill is on its next statement", async () => {
    const card = await enrolMember(t);
    const c = await open(grocer.client, { cardNumber: card });
    const key = newKey();
    const first = await resolve(grocer.client, c.id, 150, key);
    expect(first.resolveServiceCase).toMatchObject({
      serviceCase: { status: 'RESOLVED', resolution: 'Refunded and apologised', goodwillPoints: 150 },
      transaction: { kind: 'ADJUSTMENT', points: 150, reason: 'Refunded and apologised' },
      member: { balance: 150 },
      userErrors: [],
    });
    const replay = await resolve(grocer.client, c.id, 150, key);
    expect(replay.resolveServiceCase.transaction!.id).toBe(first.resolveServiceCase.transaction!.id);
    expect(replay.resolveServiceCase.member!.balance).toBe(150);
    expect(codes((await resolve(grocer.client, c.id, 150, key.replace('key', 'other'))).resolveServiceCase.userErrors)).toEqual([
      'CASE_ALREADY_RESOLVED',
    ]);
    expect(codes((await resolve(t.operator, c.id)).resolveServiceCase.userErrors)).toEqual(['CASE_ALREADY_RESOLVED']);
    // Same key, different request: refused, nothing applied.
    expect(codes((await resolve(grocer.client, c.id, 99, key)).resolveServiceCase.userErrors)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    const [{ funder }] = await t.dataSource.query(
      `SELECT a.owner_kind || ':' || a.owner_id AS funder FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        WHERE p.entry_id = (SELECT goodwill_entry_id FROM service_cases WHERE goodwill_points IS NOT NULL ORDER BY id DESC LIMIT 1)
          AND a.role = 'GOODWILL'`,
    );
    expect(funder).toBe(`PARTNER:${grocer.localId}`);

    await t.operator.ok(CloseSettlementPeriodDocument, { input: { periodEnd: new Date().toISOString() } });
    const statements = (await grocer.client.ok(PartnerStatementsDocument, { id: grocer.id })).node as {
      statements: { edges: { node: { lines: { kind: string; amount: { amount: string } }[] } }[] };
    };
    // 150 points × 0.01 EUR issuance price, owed by the grocer.
    expect(statements.statements.edges[0].node.lines).toContainEqual({ kind: 'PROMOTION', amount: { amount: '-1.50' } });
  });

  it('posts an operator resolution at the operator’s cost and a resolution without points posts nothing', async () => {
    const card = await enrolMember(t);
    const byOperator = await resolve(t.operator, (await open(grocer.client, { cardNumber: card })).id, 20);
    expect(byOperator.resolveServiceCase.member!.balance).toBe(20);
    const [{ owner_kind }] = await t.dataSource.query(
      `SELECT a.owner_kind FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        WHERE p.entry_id = (SELECT goodwill_entry_id FROM service_cases sc JOIN members m ON m.id = sc.member_id WHERE m.card_number = $1)
          AND a.role = 'GOODWILL'`,
      [card],
    );
    expect(owner_kind).toBe('OPERATOR');
    const noPoints = await resolve(grocer.client, (await open(grocer.client, { cardNumber: card })).id);
    expect(noPoints.resolveServiceCase).toMatchObject({
      transaction: null,
      member: { balance: 20 },
      serviceCase: { goodwillPoints: null },
    });
    const invalid = await grocer.client.ok(ResolveServiceCaseDocument, {
      input: { caseId: (await open(grocer.client, { cardNumber: card })).id, resolution: ' ', goodwillPoints: 0, idempotencyKey: newKey() },
    });
    expect(codes(invalid.resolveServiceCase.userErrors).sort()).toEqual(['INVALID_INPUT', 'RESOLUTION_REQUIRED']);
  });

  it('lists open, overdue and resolved cases; another partner can neither see nor resolve them', async () => {
    const card = await enrolMember(t);
    const overdue = await open(grocer.client, { cardNumber: card, subject: 'Late call-back' });
    await t.dataSource.query(`UPDATE service_cases SET follow_up_due_at = now() - interval '1 hour' WHERE id = $1`, [
      Buffer.from(overdue.id, 'base64url').toString().split(':')[1],
    ]);
    const stillOpen = await open(grocer.client, { cardNumber: card });
    const ids = async (status: 'OPEN' | 'OVERDUE' | 'RESOLVED') =>
      (
        (await grocer.client.ok(PartnerServiceCasesDocument, { id: grocer.id, status, first: 100 })).node as {
          serviceCases: { edges: { node: { id: string; status: string } }[] };
        }
      ).serviceCases.edges.map((e) => e.node.id);
    expect(await ids('OVERDUE')).toContain(overdue.id);
    expect(await ids('OPEN')).toContain(stillOpen.id);
    expect(await ids('OPEN')).not.toContain(overdue.id);
    expect((await t.operator.ok(AllServiceCasesDocument, { status: 'OVERDUE', partnerId: grocer.id })).serviceCases.edges).toEqual([
      { node: expect.objectContaining({ id: overdue.id, status: 'OVERDUE' }) },
    ]);

    expect((await rival.client.request(PartnerServiceCasesDocument, { id: grocer.id })).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await rival.client.ok(ServiceCaseNodeDocument, { id: overdue.id })).node).toBeNull();
    expect((await grocer.client.ok(ServiceCaseNodeDocument, { id: overdue.id })).node).toEqual({
      id: overdue.id,
      subject: 'Late call-back',
    });
    expect((await rival.client.ok(MemberServiceCasesDocument, { cardNumber: card })).member!.serviceCases.edges).toEqual([]);
    expect(codes((await resolve(rival.client, overdue.id, 10)).resolveServiceCase.userErrors)).toEqual(['UNKNOWN_CASE']);
    expect((await grocer.client.ok(MemberServiceCasesDocument, { cardNumber: card })).member!.serviceCases.edges).toHaveLength(2);

    await resolve(grocer.client, overdue.id);
    expect(await ids('RESOLVED')).toContain(overdue.id);
    expect(await ids('OVERDUE')).not.toContain(overdue.id);
  });

  it('lets the member see its own cases and rate a resolved one once, 1 to 5', async () => {
    const card = await enrolMember(t);
    const other = await enrolMember(t);
    const c = await open(grocer.client, { cardNumber: card });
    expect(codes((await rate(card, c.id, 4)).userErrors)).toEqual(['CASE_NOT_RESOLVED']);
    await resolve(grocer.client, c.id, 10);
    expect(codes((await rate(card, c.id, 6)).userErrors)).toEqual(['INVALID_INPUT']);
    expect(codes((await rate(card, c.id, 0)).userErrors)).toEqual(['INVALID_INPUT']);
    expect(codes((await rate(other, c.id, 5)).userErrors)).toEqual(['UNKNOWN_CASE']);
    expect((await rate(card, c.id, 4)).serviceCase).toMatchObject({ satisfaction: 4, status: 'RESOLVED' });
    expect(codes((await rate(card, c.id, 5)).userErrors)).toEqual(['ALREADY_RATED']);

    const asMember = t.anonymous.as(await t.memberToken(card));
    const mine = (await asMember.ok(MemberServiceCasesDocument, { cardNumber: card })).member!.serviceCases.edges;
    expect(mine.map((e) => [e.node.id, e.node.satisfaction])).toEqual([[c.id, 4]]);
    const asOther = t.anonymous.as(await t.memberToken(other));
    expect((await asOther.ok(ServiceCaseNodeDocument, { id: c.id })).node).toBeNull();
  });

  it('reports open, overdue, resolved, median and p90 hours to resolve and average satisfaction per partner', async () => {
    const partner = await onboardPartner(t);
    const card = await enrolMember(t);
    const hoursToResolve = [1, 2, 3, 4, 10];
    for (const [i, hours] of hoursToResolve.entries()) {
      const c = await open(partner.client, { cardNumber: card });
      await resolve(partner.client, c.id);
      const id = Buffer.from(c.id, 'base64url').toString().split(':')[1];
      await t.dataSource.query(`UPDATE service_cases SET opened_at = resolved_at - make_interval(hours => $2) WHERE id = $1`, [id, hours]);
      if (i < 2) await rate(card, c.id, i === 0 ? 5 : 2);
    }
    await open(partner.client, { cardNumber: card });
    const late = await open(partner.client, { cardNumber: card });
    await t.dataSource.query(`UPDATE service_cases SET follow_up_due_at = now() - interval '1 minute' WHERE id = $1`, [
      Buffer.from(late.id, 'base64url').toString().split(':')[1],
    ]);
    const expected = {
      partner: { id: partner.id },
      open: 1,
      overdue: 1,
      resolved: 5,
      medianHoursToResolve: '3.0',
      // Interpolated: 4 + 0.6 × (10 − 4).
      p90HoursToResolve: '7.6',
      rated: 2,
      averageSatisfaction: '3.50',
    };
    expect((await partner.client.ok(ServiceCaseStatsDocument)).serviceCaseStats).toEqual([expected]);
    expect((await t.operator.ok(ServiceCaseStatsDocument)).serviceCaseStats).toContainEqual(expected);
    await expect((await onboardPartner(t)).client.ok(ServiceCaseStatsDocument)).resolves.toMatchObject({
      serviceCaseStats: [{ open: 0, overdue: 0, resolved: 0, medianHoursToResolve: null, averageSatisfaction: null }],
    });
  });
});
