import { Field, InputType, ObjectType } from 'type-graphql';
import { DateTimeScalar, PointsScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

@InputType()
export class ExpirePointsInput {
  @Field(() => DateTimeScalar, { description: 'May be in the future: expires what will have expired by then.' }) asOf!: Date;
}

@ObjectType()
export class ExpirePointsPayload {
  @Field(() => PointsScalar, { description: 'Points expired by this call (0 when run again for the same instant).' })
  expiredPoints: bigint = 0n;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'Unspent points that expire at one instant (the end of their earning day, the expiry term later).' })
export class ExpiringPoints {
  @Field(() => DateTimeScalar) expiresAt!: Date;
  @Field(() => PointsScalar) points!: bigint;
}
