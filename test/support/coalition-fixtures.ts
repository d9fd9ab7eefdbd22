import { CreatePartnerDocument, CreatePartnerInput, EnrollMemberDocument } from '../generated/graphql';
import { GraphQLClient, TestApp } from './test-app';

export interface TestPartner {
  id: string;
  name: string;
  localId: string;
  key: string;
  client: GraphQLClient;
}

let seq = 0;

/** Onboards a partner through the API and returns its IDs and a client using its key. */
export async function onboardPartner(t: TestApp, overrides: Partial<CreatePartnerInput> = {}): Promise<TestPartner> {
  const { createPartner } = await t.operator.ok(CreatePartnerDocument, {
    input: {
      name: `Partner ${process.pid}-${++seq}`,
      category: `category-${seq}`,
      currency: 'EUR',
      pointsPerUnit: '1',
      issuancePricePerPoint: '0.01',
      redemptionValuePerPoint: '0.008',
      ...overrides,
    },
  });
  if (createPartner.userErrors.length > 0) throw new Error(JSON.stringify(createPartner.userErrors));
  const id = createPartner.partner!.id;
  return {
    id,
    name: createPartner.partner!.name,
    localId: Buffer.from(id, 'base64url').toString().split(':')[1],
    key: createPartner.apiKey!,
    client: t.anonymous.as(createPartner.apiKey!),
  };
}

/** Enrols a fresh card and returns it. */
export async function enrolMember(t: TestApp, opts: { birthDate?: string; referredBy?: string } = {}): Promise<string> {
  const card = `9${String(Date.now()).slice(-8)}${String(++seq).padStart(5, '0')}`;
  const { enrollMember } = await t.operator.ok(EnrollMemberDocument, { input: { cardNumber: card, ...opts } });
  if (enrollMember.userErrors.length > 0) throw new Error(JSON.stringify(enrollMember.userErrors));
  return card;
}

let keys = 0;
export const newKey = () => `key-${process.pid}-${Date.now()}-${++keys}`;
