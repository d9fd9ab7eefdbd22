import { Field, InputType } from 'type-graphql';

@InputType()
export class EnrollMemberInput {
  @Field(() => String, { description: '6 to 32 digits or letters; spaces are ignored, letters upper-cased.' }) cardNumber!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, for the birthday bonus.' }) birthDate?: string | null;
  @Field(() => String, { nullable: true, description: 'Card number of the member who referred this one.' }) referredBy?: string | null;
}
