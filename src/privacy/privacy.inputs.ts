import { Field, InputType } from 'type-graphql';

@InputType()
export class EraseMemberInput {
  @Field(() => String) cardNumber!: string;
  @Field(() => String, { description: 'Why (e.g. "GDPR art. 17 request #123"), 3 to 500 characters; kept with the erased member.' })
  reason!: string;
}
