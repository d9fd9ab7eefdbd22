import { auditLedger } from '../ledger/ledger-audit';
import { Ledger } from '../ledger/ledger.service';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  ConfirmMilesTransferDocument,
  ConvertMilesToPointsDocument,
  ConvertPointsToMilesDocument,
  MemberStatusDocument,
  MilesRatiosDocument,
  RecordPurchaseDocument,
  RejectMilesTransferDocument,
  SetMilesRatioDocument,
  UpdateCoalitionSettingsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let airline: TestPartner;
let otherAirline: TestPartner;
let grocer: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  airline = await onboardPartner(t, { category: 'airline' });
  otherAirline = await onboardPartner(t, { category: 'airline-2' });
  grocer = await onboardPartner(t, { category: 'grocery' });
  for (const a of [airline, otherAirline]) {
    await t.operator.ok(SetMilesRatioDocument, { input: { airlineId: a.id, direction: 'TO_MILES', points: 100, miles: 50, minimum: 500 } });
  }
  await t.operator.ok(SetMilesRatioDocument, {
    input: { airlineId: airline.id, direction: 'TO_POINTS', points: 2, miles: 1, minimum: 100 },
  });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

async function memberWith(points: number) {
  const card = await enrolMember(t);
  await grocer.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount: String(points), currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
  });
  return { card, client: t.anonymous.as(await t.memberToken(card)) };
}
const toMiles = (client: TestApp['anonymous'], points: number, airlineId = airline.id) =>
  client.ok(ConvertPointsToMilesDocument, { input: { airlineId, points, frequentFlyerNumber: 'FF-123456', idempotencyKey: newKey() } });

describe('points to miles', () => {
  it('holds the points until the airline confirms, then captures them', async () => {
    const { card, client } = await memberWith(2000);
    const { convertPointsToMiles } = await toMiles(client, 1000);
    expect(convertPointsToMiles).toMatchObject({
      milesTransfer: { direction: 'TO_MILES', points: 1000, miles: 500, status: 'PENDING', airline: { name: airline.name } },
      member: { balance: 1000, heldPoints: 1000 },
    });
    const transferId = convertPointsToMiles.milesTransfer!.id;
    const foreign = await otherAirline.client.ok(ConfirmMilesTransferDocument, { input: { transferId, idempotencyKey: newKey() } });
    expect(foreign.confirmMilesTransfer.userErrors[0].code).toBe('UNKNOWN_TRANSFER');
    const confirmed = await airline.client.ok(ConfirmMilesTransferDocument, {
      input: { transferId, airlineReference: 'AL-77', idempotencyKey: newKey() },
    });
    expect(confirmed.confirmMilesTransfer).toMatchObject({
      milesTransfer: { status: 'CONFIRMED', airlineReference: 'AL-77' },
      member: { balance: 1000, heldPoints: 0 },
    });
    const twice = await airline.client.ok(RejectMilesTransferDocument, { input: { transferId, idempotencyKey: newKey() } });
    expect(twice.rejectMilesTransfer.userErrors[0].code).toBe('HOLD_NOT_PENDING');
    expect((await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!.milesTransfers[0].status).toBe('CONFIRMED');
  });

  it('returns the points when the airline rejects, or does not answer in time', async () => {
    const { card, client } = await memberWith(2000);
    const rejected = (await toMiles(client, 600)).convertPointsToMiles.milesTransfer!.id;
    const answer = await airline.client.ok(RejectMilesTransferDocument, { input: { transferId: rejected, idempotencyKey: newKey() } });
    expect(answer.rejectMilesTransfer).toMatchObject({ milesTransfer: { status: 'REJECTED' }, member: { balance: 2000, heldPoints: 0 } });

    await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { milesHoldMinutes: 1 } });
    await toMiles(client, 600);
    await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { milesHoldMinutes: 4320 } });
    expect(await new Ledger(t.dataSource).expireHolds(new Date(Date.now() + 120_000), 'test')).toBeGreaterThanOrEqual(1);
    const member = (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!;
    expect(member).toMatchObject({ balance: 2000, heldPoints: 0 });
    expect(member.milesTransfers.map((m) => m.status)).toEqual(['EXPIRED', 'REJECTED']);
  });

  it('refuses below the minimum, beyond the balance, and at a partner with no ratio', async () => {
    const { client } = await memberWith(700);
    expect((await toMiles(client, 499)).convertPointsToMiles.userErrors[0].code).toBe('BELOW_MINIMUM');
    expect((await toMiles(client, 800)).convertPointsToMiles.userErrors[0].code).toBe('INSUFFICIENT_POINTS');
    expect((await toMiles(client, 600, grocer.id)).convertPointsToMiles.userErrors[0].code).toBe('NOT_AN_AIRLINE');
  });
});

describe('miles to points', () => {
  it('credits points funded by the airline at its own ratio', async () => {
    const card = await enrolMember(t);
    const { convertMilesToPoints } = await airline.client.ok(ConvertMilesToPointsDocument, {
      input: { cardNumber: card, miles: 1001, reference: 'AL-IN-1', idempotencyKey: newKey() },
    });
    expect(convertMilesToPoints).toMatchObject({
      milesTransfer: { direction: 'TO_POINTS', miles: 1001, points: 2002, status: 'COMPLETED' },
      member: { balance: 2002 },
    });
    const [lot] = await t.dataSource.query(
      `SELECT funding_partner_id FROM point_lots l JOIN members m ON m.id = l.member_id WHERE m.card_number = $1`,
      [card],
    );
    expect(lot.funding_partner_id).toBe(airline.localId);
    const below = await airline.client.ok(ConvertMilesToPointsDocument, {
      input: { cardNumber: card, miles: 99, reference: 'AL-IN-2', idempotencyKey: newKey() },
    });
    expect(below.convertMilesToPoints.userErrors[0].code).toBe('BELOW_MINIMUM');
    const noRatio = await otherAirline.client.ok(ConvertMilesToPointsDocument, {
      input: { cardNumber: card, miles: 500, reference: 'X', idempotencyKey: newKey() },
    });
    expect(noRatio.convertMilesToPoints.userErrors[0].code).toBe('NOT_AN_AIRLINE');
  });
});

describe('milesRatios', () => {
  it('lists the ratio in force now per airline and direction, for any caller; a later one is not shown before its time', async () => {
    const skyward = await onboardPartner(t, { name: 'Skyward Air', category: 'airline-3' });
    const ratio = (points: number, miles: number, extra: { minimum?: number; effectiveFrom?: string } = {}) =>
      t.operator.ok(SetMilesRatioDocument, { input: { airlineId: skyward.id, direction: 'TO_MILES', points, miles, ...extra } });
    await ratio(3, 1, { minimum: 300 });
    await ratio(5, 1, { effectiveFrom: new Date(Date.now() + 3_600_000).toISOString() });
    const member = t.anonymous.as(await t.memberToken(await enrolMember(t)));
    const toMiles = (await member.ok(MilesRatiosDocument, { direction: 'TO_MILES' })).milesRatios;
    expect(toMiles.every((r) => r.direction === 'TO_MILES')).toBe(true);
    expect(toMiles.map((r) => r.airline.name)).toEqual(expect.arrayContaining([airline.name, otherAirline.name, 'Skyward Air']));
    expect(toMiles.map((r) => r.airline.name)).not.toContain(grocer.name);
    expect(toMiles.find((r) => r.airline.id === skyward.id)).toMatchObject({ points: 3, miles: 1, minimum: 300 });
    expect(toMiles.find((r) => r.airline.id === airline.id)).toMatchObject({ points: 100, miles: 50, minimum: 500 });

    // A newer ratio in force replaces the older one; without a direction both directions are listed.
    await ratio(4, 1);
    const all = (await grocer.client.ok(MilesRatiosDocument, {})).milesRatios;
    expect(all.filter((r) => r.airline.id === skyward.id)).toMatchObject([{ direction: 'TO_MILES', points: 4, miles: 1, minimum: 0 }]);
    expect(all.filter((r) => r.airline.id === airline.id).map((r) => r.direction)).toEqual(['TO_MILES', 'TO_POINTS']);
    const names = all.map((r) => r.airline.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });
});
