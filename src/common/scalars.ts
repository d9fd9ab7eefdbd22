import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';

const MAX_POINTS = BigInt(Number.MAX_SAFE_INTEGER);
const POINTS_RANGE = `between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;

function toPoints(value: bigint, ast?: ValueNode): bigint {
  if (value > MAX_POINTS || value < -MAX_POINTS) {
    throw new GraphQLError(`Points must be a whole number ${POINTS_RANGE}; got ${value}`, { nodes: ast });
  }
  return value;
}

/**
 * Whole points as a JSON integer in the safe range. Inside the server points are `bigint`, so no
 * arithmetic on them is ever floating point.
 */
export const PointsScalar = new GraphQLScalarType<bigint, number>({
  name: 'Points',
  description: `A whole number of points: a JSON integer ${POINTS_RANGE}.`,
  serialize(value) {
    if (typeof value === 'bigint') return Number(toPoints(value));
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(toPoints(BigInt(value)));
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new GraphQLError(`Points cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new GraphQLError(`Points must be a whole number ${POINTS_RANGE}; got ${JSON.stringify(value)}`);
    }
    if (!Number.isSafeInteger(value)) {
      throw new GraphQLError(`Points must be a whole number ${POINTS_RANGE}; got ${value}`);
    }
    return BigInt(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) {
      throw new GraphQLError(`Points must be a whole number ${POINTS_RANGE}`, { nodes: ast });
    }
    return toPoints(BigInt(ast.value), ast);
  },
});

// Plain decimal notation only: no exponent, no leading '+', no leading zeros, no bare '.5'.
const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const MAX_DECIMAL_LENGTH = 40;

function toDecimal(value: unknown, ast?: ValueNode): string {
  if (typeof value !== 'string') {
    throw new GraphQLError(
      `Decimal must be a string such as "12.50" (JSON numbers are refused because they lose precision); got ${JSON.stringify(value)}`,
      { nodes: ast },
    );
  }
  if (value.length > MAX_DECIMAL_LENGTH || !DECIMAL_PATTERN.test(value)) {
    throw new GraphQLError(
      `Decimal must be plain decimal notation such as "12.50" (at most ${MAX_DECIMAL_LENGTH} characters); got ${JSON.stringify(value.slice(0, MAX_DECIMAL_LENGTH + 1))}`,
      { nodes: ast },
    );
  }
  return value;
}

/** An exact decimal carried as a string, e.g. "12.50"; never a binary float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string in plain notation, e.g. "12.50".',
  serialize(value) {
    if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return value;
    throw new GraphQLError(`Decimal cannot represent ${String(value)}`);
  },
  parseValue: (value) => toDecimal(value),
  parseLiteral(ast) {
    return toDecimal(ast.kind === Kind.STRING ? ast.value : undefined, ast);
  },
});

/** ISO 8601 / RFC 3339 instant with an offset; values without an offset are refused. */
export const DateTimeScalar = GraphQLDateTime;
