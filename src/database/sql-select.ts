/**
 * A plain-SQL SELECT for hot read paths: the where/order/limit surface that `applyIdKeyset` drives,
 * rendered to `$n` placeholders for `queryRows`, without an ORM building and hydrating in between
 * (TypeORM's query builder was 18 % of the server's CPU on the balance-and-history read).
 */
export class SqlSelect {
  private readonly conditions: string[] = [];
  private readonly params: unknown[] = [];
  private readonly order: string[] = [];
  private max: number | null = null;

  /** `select` is everything up to WHERE, e.g. `SELECT e.* FROM ledger_entries e`. */
  constructor(private readonly select: string) {}

  /** `where` names its parameters `:name`; each is bound from `params`. */
  andWhere(where: string, params: Record<string, unknown> = {}): this {
    this.conditions.push(
      where.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
        if (!(name in params)) throw new Error(`SqlSelect: no value for :${name}`);
        this.params.push(params[name]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  orderBy(sort: string, order: 'ASC' | 'DESC'): this {
    this.order.length = 0;
    return this.addOrderBy(sort, order);
  }

  addOrderBy(sort: string, order: 'ASC' | 'DESC'): this {
    this.order.push(`${sort} ${order}`);
    return this;
  }

  limit(n: number): this {
    this.max = n;
    return this;
  }

  toSql(): [string, unknown[]] {
    const where = this.conditions.length > 0 ? ` WHERE ${this.conditions.join(' AND ')}` : '';
    const order = this.order.length > 0 ? ` ORDER BY ${this.order.join(', ')}` : '';
    const limit = this.max === null ? '' : ` LIMIT ${Math.trunc(this.max)}`;
    return [`${this.select}${where}${order}${limit}`, [...this.params]];
  }
}
