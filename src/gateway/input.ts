/**
 * The client's mistakes, caught at the edge before any subgraph is asked, as BAD_USER_INPUT
 * (HTTP 400) with a sentence naming the argument or variable and what was expected:
 *
 * - `Date`/`DateTime` values that are not dates (a literal: `clientInputRule`; a variable: the
 *   gateway's own variable coercion, once `strictScalars` has given its schema the real parsers;
 *   the gateway builds its schema from the supergraph SDL, whose custom scalars accept anything);
 * - the NUL character in any string (PostgreSQL cannot store it);
 * - an `Int` literal outside 32 bits, named by its argument (and said before the cost it inflates);
 * - variables nested deeper than MAX_VARIABLE_DEPTH;
 * - a list in an input object longer than its limit (`INPUT_LIST_LIMITS`), before the gateway
 *   coerces a single item of it;
 * - an `operationName` the document does not have, or several operations and no name;
 * - a subscription (harbour serves none).
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType, getNullableType, GraphQLError, GraphQLInt, isInputObjectType, isListType, isScalarType, Kind, OperationTypeNode, typeFromAST, TypeInfo, visit, visitWithTypeInfo,
  type ASTVisitor, type DocumentNode, type GraphQLFormattedError, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode, type ValidationContext, type ValueNode,
} from 'graphql';
import { ErrorCode } from '../errors';
import { STRICT_SCALARS } from '../subgraphs/scalars';

export const MAX_VARIABLE_DEPTH = 64;
const NUL = 'text may not contain the NUL character (U+0000)';

/**
 * The most items a list in an input object may hold, by `Type.field`: a handful where a searcher
 * describes one child (each name is a candidate pass and a comparison with every candidate:
 * 38,000 names took 23 s of CPU and stalled `/health`), DEFAULT_LIST_LIMIT anywhere else. A list
 * argument itself (`submitRecords(records)`) is bounded by the body limit and its resolver.
 */
export const INPUT_LIST_LIMITS: Readonly<Record<string, number>> = {
  'PersonExample.names': 10, 'PersonExample.identifiers': 10, 'PersonExample.biometrics': 10, 'PersonExample.phones': 5, 'PersonExample.handles': 5,
};
/** Categories, agency kinds, agencies at a strategy discussion: dozens at most. */
export const DEFAULT_LIST_LIMIT = 50;
const listLimit = (type: string, field: string) => INPUT_LIST_LIMITS[`${type}.${field}`] ?? DEFAULT_LIST_LIMIT;
const tooLong = (limit: number, length: number) => `at most ${limit} items, received ${length}`;
const strict = new Map(STRICT_SCALARS.map((s) => [s.name, s]));

/** Give the gateway's (pass-through) `Date` and `DateTime` the subgraphs' strict input parsers. */
export function strictScalars(schema: GraphQLSchema): void {
  for (const scalar of STRICT_SCALARS) {
    const type = schema.getType(scalar.name);
    if (isScalarType(type)) type.parseValue = scalar.parseValue;
  }
}

const badInput = (message: string, nodes?: ValueNode) => new GraphQLError(message, { nodes, extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });

/**
 * A validation rule over the literals of an operation: strict scalars and NUL characters. Errors
 * name the field and the argument path, e.g. `recordAction(input.dueOn): expected a date …`.
 */
export function clientInputRule(context: ValidationContext): ASTVisitor {
  const path: string[] = [];
  const where = () => {
    const owner = context.getDirective() ? `@${context.getDirective()!.name}` : (context.getFieldDef()?.name ?? '');
    return owner ? `${owner}(${path.join('.')})` : path.join('.');
  };
  const checkValue = (node: ValueNode) => {
    if (node.kind === Kind.STRING && node.value.includes('\0')) return context.reportError(badInput(`${where()}: ${NUL}`, node));
    const type = getNullableType(context.getInputType());
    if (node.kind === Kind.INT && type === GraphQLInt && !(Number(node.value) <= 2 ** 31 - 1 && Number(node.value) >= -(2 ** 31))) {
      return context.reportError(badInput(`${where()}: Int cannot represent non 32-bit signed integer value: ${node.value}`, node));
    }
    const scalar = type && isScalarType(type) ? strict.get(type.name) : undefined;
    if (!scalar) return;
    try {
      scalar.parseLiteral(node);
    } catch (error) {
      context.reportError(badInput(`${where()}: ${(error as Error).message}`, node));
    }
  };
  return {
    Argument: { enter: (node) => void path.push(node.name.value), leave: () => void path.pop() },
    ObjectField: {
      enter: (node) => {
        path.push(node.name.value);
        const owner = getNamedType(context.getParentInputType());
        const limit = isInputObjectType(owner) ? listLimit(owner.name, node.name.value) : undefined;
        if (limit !== undefined && node.value.kind === Kind.LIST && node.value.values.length > limit) context.reportError(badInput(`${where()}: ${tooLong(limit, node.value.values.length)}`, node.value));
      },
      leave: () => void path.pop(),
    },
    VariableDefinition: { enter: (node) => void path.push(`$${node.variable.name.value}`), leave: () => void path.pop() },
    StringValue: checkValue,
    IntValue: checkValue,
    FloatValue: checkValue,
    BooleanValue: checkValue,
    EnumValue: checkValue,
    ListValue: checkValue,
    ObjectValue: checkValue,
  };
}

/** The first NUL character or excessive nesting in the variables, said in a sentence. */
export function variablesProblem(variables: Record<string, unknown> | undefined): string | undefined {
  const stack = Object.entries(variables ?? {}).map(([name, value]) => ({ name, value, at: name, depth: 1 }));
  while (stack.length) {
    const { name, value, at, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return `Variable "$${name}" at "${at}": ${NUL}`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_VARIABLE_DEPTH) return `Variable "$${name}" is nested more than ${MAX_VARIABLE_DEPTH} levels deep`;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ name, value: item, at: `${at}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) return `Variable "$${name}" at "${at}": a key: ${NUL}`;
      stack.push({ name, value: item, at: `${at}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The first list in the variables longer than its limit, walked along the variables' types. A
 * variable that is itself the value of an input field (`example: { phones: $phones }`) has that
 * field's limit (the smallest, if used in several).
 */
export function listProblem(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): string | undefined {
  const fieldLimits = new Map<string, number>();
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    ObjectField(node) {
      const owner = getNamedType(typeInfo.getParentInputType());
      if (node.value.kind !== Kind.VARIABLE || !isInputObjectType(owner)) return;
      const name = node.value.name.value;
      fieldLimits.set(name, Math.min(fieldLimits.get(name) ?? Infinity, listLimit(owner.name, node.name.value)));
    },
  }));
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const walk = (type: GraphQLInputType, value: unknown, at: string, limit: number | undefined): string | undefined => {
      const t = getNullableType(type);
      if (value === null || value === undefined) return undefined;
      if (isListType(t)) {
        if (!Array.isArray(value)) return walk(t.ofType, value, at, limit);
        if (limit !== undefined && value.length > limit) return `Variable "$${name}" at "${at}": ${tooLong(limit, value.length)}`;
        for (const [i, item] of value.entries()) {
          const problem = walk(t.ofType, item, `${at}[${i}]`, limit);
          if (problem) return problem;
        }
      } else if (isInputObjectType(t) && typeof value === 'object') {
        for (const [key, field] of Object.entries(t.getFields())) {
          const problem = walk(field.type, (value as Record<string, unknown>)[key], `${at}.${key}`, listLimit(t.name, key));
          if (problem) return problem;
        }
      }
      return undefined;
    };
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const problem = type && walk(type, variables?.[name], name, fieldLimits.get(name));
    if (problem) return problem;
  }
  return undefined;
}

function operationProblem(document: DocumentNode, operationName: string | null | undefined): string {
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(no name)'] : []));
  if (operationName) return `operationName: the document has no operation named "${operationName}" (it has ${names.join(', ') || 'none'})`;
  return `operationName: the document has ${names.length} operations (${names.join(', ')}); say which to run with operationName`;
}

export const SUBSCRIPTION_MESSAGE = 'harbour serves no subscriptions: send a query or a mutation (match alerts are delivered by webhook)';

/** Refuses, before execution, operations that cannot be resolved or run, and bad variables. */
export function clientInputPlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        // A document with a bad value and a cost computed from it (`first: 99999999999`) says the
        // value first, named by its argument: the mistake to mend is the argument, not the size.
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const rank = (e: GraphQLFormattedError) => (e.extensions?.code === ErrorCode.BAD_USER_INPUT ? 0 : 1);
          if (result.errors && result.errors.length > 1) result.errors = [...result.errors].sort((a, b) => rank(a) - rank(b));
        },
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) throw badInput(operationProblem(document, request.operationName));
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) throw badInput(SUBSCRIPTION_MESSAGE);
          const problem = variablesProblem(request.variables) ?? listProblem(schema, document, operation, request.variables);
          if (problem) throw badInput(problem);
        },
      };
    },
  };
}
