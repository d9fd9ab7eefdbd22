import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLOutputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { buildCoalitionSchema } from '../src/graphql/schema';

const root = path.join(__dirname, '..');
const committedContract = readFileSync(path.join(root, 'schema', 'contract.graphql'), 'utf8');

/** Output may be stricter than the contract (non-null where it is nullable), never looser or of another type. */
function outputCompatible(contract: GraphQLOutputType, actual: GraphQLOutputType): boolean {
  if (isNonNullType(contract)) return isNonNullType(actual) && outputCompatible(contract.ofType, actual.ofType);
  if (isNonNullType(actual)) return outputCompatible(contract, actual.ofType);
  if (isListType(contract)) return isListType(actual) && outputCompatible(contract.ofType, actual.ofType);
  return !isListType(actual) && contract.name === actual.name;
}

/** Input may be looser than the contract (nullable where it is non-null), never stricter: clients' requests must stay valid. */
function inputCompatible(contract: GraphQLInputType, actual: GraphQLInputType): boolean {
  if (isNonNullType(actual)) return isNonNullType(contract) && inputCompatible(contract.ofType, actual.ofType);
  if (isNonNullType(contract)) return inputCompatible(contract.ofType, actual);
  if (isListType(contract)) return isListType(actual) && inputCompatible(contract.ofType, actual.ofType);
  return !isListType(actual) && contract.name === actual.name;
}

function fieldDifferences(
  typeName: string,
  contract: GraphQLField<unknown, unknown>,
  actual: GraphQLField<unknown, unknown> | undefined,
): string[] {
  const coordinate = `${typeName}.${contract.name}`;
  if (!actual) return [coordinate];
  const problems: string[] = [];
  if (!outputCompatible(contract.type, actual.type))
    problems.push(`${coordinate}: type ${actual.type} is not compatible with ${contract.type}`);
  for (const arg of contract.args) {
    const actualArg = actual.args.find((a) => a.name === arg.name);
    if (!actualArg) problems.push(`${coordinate}(${arg.name}:)`);
    else if (!inputCompatible(arg.type, actualArg.type))
      problems.push(`${coordinate}(${arg.name}:): type ${actualArg.type} is not compatible with ${arg.type}`);
  }
  for (const extra of actual.args) {
    if (!contract.args.some((a) => a.name === extra.name) && isNonNullType(extra.type)) {
      problems.push(`${coordinate}(${extra.name}:): a required argument the contract does not have`);
    }
  }
  return problems;
}

function typeDifferences(contractType: GraphQLNamedType, actual: GraphQLNamedType | undefined): string[] {
  const name = contractType.name;
  if (!actual) return [name];
  if (actual.constructor !== contractType.constructor)
    return [`${name}: is a ${actual.constructor.name}, the contract has a ${contractType.constructor.name}`];
  if (isObjectType(contractType) || isInterfaceType(contractType)) {
    const fields = (actual as typeof contractType).getFields();
    const problems = Object.values(contractType.getFields()).flatMap((f) => fieldDifferences(name, f, fields[f.name]));
    for (const iface of contractType.getInterfaces()) {
      if (!(actual as typeof contractType).getInterfaces().some((i) => i.name === iface.name))
        problems.push(`${name}: does not implement ${iface.name}`);
    }
    return problems;
  }
  if (isInputObjectType(contractType) && isInputObjectType(actual)) {
    const fields = actual.getFields();
    const problems = Object.values(contractType.getFields()).flatMap((f) => {
      if (!fields[f.name]) return [`${name}.${f.name}`];
      return inputCompatible(f.type, fields[f.name].type)
        ? []
        : [`${name}.${f.name}: type ${fields[f.name].type} is not compatible with ${f.type}`];
    });
    for (const extra of Object.values(fields)) {
      if (!contractType.getFields()[extra.name] && isNonNullType(extra.type))
        problems.push(`${name}.${extra.name}: a required input field the contract does not have`);
    }
    return problems;
  }
  if (isEnumType(contractType) && isEnumType(actual)) {
    return contractType
      .getValues()
      .filter((v) => !actual.getValue(v.name))
      .map((v) => `${name}.${v.name}`);
  }
  if (isUnionType(contractType) && isUnionType(actual)) {
    return contractType
      .getTypes()
      .filter((m) => !actual.getTypes().some((t) => t.name === m.name))
      .map((m) => `${name}: lacks member ${m.name}`);
  }
  return isScalarType(contractType) ? [] : [`${name}: unexpected kind`];
}

function contractDifferences(contract: GraphQLSchema, actual: GraphQLSchema): string[] {
  return Object.values(contract.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) => typeDifferences(type, actual.getType(type.name)))
    .sort();
}

describe('the published contract', () => {
  it('is committed unchanged from the shared copy', () => {
    const shared = path.join(root, '..', 'shared', 'contract.graphql');
    if (existsSync(shared)) expect(committedContract).toBe(readFileSync(shared, 'utf8'));
    else expect(committedContract).toContain('type Mutation');
  });

  it('is met by the emitted schema: every type, field, argument and mutation, with a compatible type', () => {
    expect(contractDifferences(buildSchema(committedContract), buildCoalitionSchema())).toEqual([]);
  });

  it('is checked by a comparison that notices a missing field, a looser output and a stricter input', () => {
    const contract = buildSchema('type Query { a: Int! b(x: Int!): String c: [Int] } input I { y: Int! }');
    const actual = buildSchema('type Query { a: Int b(x: Int!, z: Int!): String! } input I { y: Int! w: String! }');
    expect(contractDifferences(contract, actual)).toEqual([
      'I.w: a required input field the contract does not have',
      'Query.a: type Int is not compatible with Int!',
      'Query.b(z:): a required argument the contract does not have',
      'Query.c',
    ]);
  });
});
