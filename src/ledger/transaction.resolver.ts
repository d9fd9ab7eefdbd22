import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { canActForPartner, canSeeMember } from '../auth/authorize';
import { ConnectionArgs, ConnectionShape, pageWindow, toConnection } from '../common/relay';
import type { Context } from '../graphql/context';
import { Member, toMember } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import { toTransaction, Transaction, TransactionConnection } from './transaction.types';

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => Partner, { nullable: true, description: 'The partner where it happened, if any.' })
  async partner(@Root() transaction: Transaction, @Ctx() ctx: Context): Promise<Partner | null> {
    const partner = transaction.partnerId ? await ctx.loaders.partner.load(transaction.partnerId) : null;
    return partner && toPartner(partner);
  }
}

@Resolver(() => Member)
export class MemberTransactionsResolver {
  @FieldResolver(() => TransactionConnection, {
    description: 'Newest first. A partner sees only what happened at it; the member and the operator see everything.',
  })
  async transactions(
    @Root() member: Member,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<Transaction>> {
    const window = pageWindow(args);
    const principal = ctx.principal!;
    const onlyPartner = principal.kind === 'PARTNER' ? principal.partnerId : null;
    const entries = await ctx.services.transactions.listForMember(member.localId, window, onlyPartner);
    return toConnection(entries, window, (e) => e.id, toTransaction);
  }
}

/** `node(id:)` for transactions: the operator, the member, and the partner it happened at. */
export async function transactionNode(localId: string, ctx: Context): Promise<Transaction | null> {
  const entry = await ctx.services.transactions.find(localId);
  if (!entry || !entry.memberId || entry.memberPoints === '0') return null;
  const member = await ctx.loaders.member.load(entry.memberId);
  const visible =
    ctx.principal?.kind === 'PARTNER'
      ? entry.partnerId !== null && canActForPartner(ctx.principal, entry.partnerId)
      : member !== null && canSeeMember(ctx.principal, member.cardNumber);
  return visible ? toTransaction(entry) : null;
}

/** The transaction a mutation posted and the member as it is now, for mutation payloads. */
export async function transactionAndMember(
  ctx: Context,
  entryId: string | null,
  memberId: string,
): Promise<{ transaction: Transaction | null; member: Member | null }> {
  const entry = entryId ? await ctx.services.transactions.find(entryId) : null;
  const member = await ctx.loaders.member.clear(memberId).load(memberId);
  return { transaction: entry && toTransaction(entry), member: member && toMember(member) };
}
