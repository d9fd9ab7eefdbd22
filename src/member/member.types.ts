import { ArgsType, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { UserError } from '../common/user-error';
import { MemberEntity } from './member.entity';

/** Where a member gave or withdrew its marketing consent. */
export const ConsentSource = { APP: 'APP', WEB: 'WEB', TILL: 'TILL', PHONE: 'PHONE', PAPER: 'PAPER' } as const;
export type ConsentSource = (typeof ConsentSource)[keyof typeof ConsentSource];
registerEnumType(ConsentSource, {
  name: 'ConsentSource',
  description: 'The channel through which a marketing consent was given or withdrawn.',
});

@ObjectType({ description: 'Whether the member agreed to marketing, and when and how it did.' })
export class MarketingConsent {
  @Field(() => Boolean) granted!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the consent in force was given; null while not granted.' })
  at!: Date | null;
  @Field(() => ConsentSource, { nullable: true, description: 'How the consent in force was given; null while not granted.' })
  source!: ConsentSource | null;
}

/** The personal part of a member, exposed by MemberResolver's field resolvers according to who asks. */
export interface MemberProfile {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  language: string | null;
  marketingConsent: MarketingConsent;
}

@ObjectType('Member', { implements: Node, description: 'A holder of a coalition card.' })
export class Member implements Node {
  @Field(() => ID) id!: string;
  @Field(() => String) cardNumber!: string;
  @Field(() => DateTimeScalar) enrolledAt!: Date;
  @Field(() => PointsScalar, { description: "Spendable points; negative only through a return's debt, which later earnings pay first." })
  balance!: bigint;
  @Field(() => PointsScalar, { description: 'Points set aside by pending holds (e.g. a miles transfer awaiting the airline).' })
  heldPoints!: bigint;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the member's personal data was erased; the card can then no longer sign in or spend.",
  })
  erasedAt!: Date | null;
  /** Database key, for field resolvers; not part of the schema. */
  localId!: string;
  /** Not part of the schema as such: MemberResolver decides what of it each caller sees. */
  profile!: MemberProfile;
}

export function toMember(entity: MemberEntity): Member {
  return Object.assign(new Member(), {
    id: toGlobalId('Member', entity.id),
    localId: entity.id,
    cardNumber: entity.cardNumber,
    enrolledAt: entity.createdAt,
    balance: BigInt(entity.pointsBalance),
    heldPoints: BigInt(entity.pointsHeld),
    erasedAt: entity.erasedAt,
    profile: {
      firstName: entity.firstName,
      lastName: entity.lastName,
      email: entity.email,
      language: entity.language,
      marketingConsent: Object.assign(new MarketingConsent(), {
        granted: entity.marketingConsent,
        at: entity.marketingConsentAt,
        source: entity.marketingConsentSource as ConsentSource | null,
      }),
    },
  });
}

@ObjectType()
export class EnrollMemberPayload {
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

export const MemberConnection = ConnectionType(Member, 'Member');

@ArgsType()
export class MembersArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'A card number or its beginning (spaces and case ignored); omitted: every member.' })
  search?: string | null;
}

@ObjectType()
export class MemberProfilePayload {
  @Field(() => Member, { nullable: true }) member!: Member | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
