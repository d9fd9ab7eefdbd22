import { Field, InputType } from 'type-graphql';
import { ConsentSource } from './member.types';

@InputType({ description: 'A marketing consent as the member gave it: granted or withdrawn, and through which channel.' })
export class MarketingConsentInput {
  @Field(() => Boolean) granted!: boolean;
  @Field(() => ConsentSource) source!: ConsentSource;
}

/** The personal data a member gives; each field omitted is left as it is. */
@InputType({ description: 'A member profile: omitted fields stay as they are, null clears one.' })
export class MemberProfileInput {
  @Field(() => String, { nullable: true, description: '1 to 100 characters.' }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: '1 to 100 characters.' }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'An address like name@example.com, at most 254 characters.' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'A language tag such as "en", "de-AT" or "pt-BR".' }) language?: string | null;
}

@InputType()
export class EnrollMemberInput extends MemberProfileInput {
  @Field(() => String, { description: '6 to 32 digits or letters; spaces are ignored, letters upper-cased.' }) cardNumber!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, for the birthday bonus.' }) birthDate?: string | null;
  @Field(() => String, { nullable: true, description: 'Card number of the member who referred this one.' }) referredBy?: string | null;
  @Field(() => MarketingConsentInput, { nullable: true, description: 'Omitted: no marketing consent.' })
  marketingConsent?: MarketingConsentInput | null;
}

@InputType({ description: "Self-enrolment from the member app: the token's card number becomes a member." })
export class EnrollMeInput extends MemberProfileInput {
  @Field(() => Boolean, { nullable: true, description: 'True: the member agrees to marketing (recorded with source APP).' })
  marketingConsent?: boolean | null;
}

@InputType()
export class SetMarketingConsentInput extends MarketingConsentInput {
  @Field(() => String, {
    nullable: true,
    description: 'Whose consent: required for a partner or the operator; a member token names its own card.',
  })
  cardNumber?: string | null;
}
