import { graphql, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString } from 'graphql';
import { DateTimeScalar, DecimalScalar, PointsScalar } from './scalars';

/** A one-field schema that echoes its argument, to drive each scalar through literals and variables. */
function echo(scalar: GraphQLScalarType) {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        echo: {
          type: GraphQLString,
          args: { value: { type: scalar } },
          resolve: (_root, { value }) => `${typeof value}:${value instanceof Date ? value.toISOString() : String(value)}`,
        },
      },
    }),
  });
  return {
    literal: (text: string) => graphql({ schema, source: `{ echo(value: ${text}) }` }),
    variable: (value: unknown) =>
      graphql({ schema, source: `query ($v: ${scalar.name}) { echo(value: $v) }`, variableValues: { v: value } }),
  };
}

describe('Points', () => {
  const points = echo(PointsScalar);

  it('accepts whole numbers in the safe range as bigint', async () => {
    expect((await points.literal('9007199254740991')).data).toEqual({ echo: 'bigint:9007199254740991' });
    expect((await points.variable(-42)).data).toEqual({ echo: 'bigint:-42' });
  });

  it.each([1.5, 9007199254740992, '10', true, {}])('refuses the variable %j with a clear message', async (value) => {
    const { errors } = await points.variable(value);
    expect(errors![0].message).toMatch(/Points must be a whole number between -9007199254740991 and 9007199254740991/);
  });

  it.each(['1.5', '"10"', '9007199254740992', '-9007199254740992'])('refuses the literal %s', async (text) => {
    const { errors } = await points.literal(text);
    expect(errors![0].message).toMatch(/Points must be a whole number/);
  });

  it('serializes bigint and numeric strings as JSON integers and refuses unsafe ones', () => {
    expect(PointsScalar.serialize(12n)).toBe(12);
    expect(PointsScalar.serialize('-7')).toBe(-7);
    expect(() => PointsScalar.serialize(2n ** 60n)).toThrow(/Points must be a whole number/);
    expect(() => PointsScalar.serialize(1.5)).toThrow(/Points cannot represent/);
  });
});

describe('Decimal', () => {
  const decimal = echo(DecimalScalar);

  it('accepts plain decimal strings unchanged', async () => {
    for (const value of ['0', '12.50', '-3.125', '1000000.0001']) {
      expect((await decimal.variable(value)).data).toEqual({ echo: `string:${value}` });
    }
    expect((await decimal.literal('"12.50"')).data).toEqual({ echo: 'string:12.50' });
  });

  it.each([12.5, '1e3', '+1', '01', '.5', '1.', ' 1', '1,5', 'NaN', '9'.repeat(41)])('refuses %j with a clear message', async (value) => {
    const { errors } = await decimal.variable(value);
    expect(errors![0].message).toMatch(/Decimal must be/);
  });

  it('refuses a numeric literal', async () => {
    expect((await decimal.literal('12.5')).errors![0].message).toMatch(/Decimal must be a string/);
  });
});

describe('DateTime', () => {
  const dateTime = echo(DateTimeScalar);

  it('accepts RFC 3339 instants with an offset', async () => {
    expect((await dateTime.variable('2026-01-31T23:00:00+01:00')).data).toEqual({ echo: 'object:2026-01-31T22:00:00.000Z' });
  });

  it.each(['2026-01-31T23:00:00', '2026-02-30T00:00:00Z', 'yesterday', 1700000000])('refuses %j', async (value) => {
    expect((await dateTime.variable(value)).errors![0].message).toMatch(/DateTime cannot represent/);
  });
});
