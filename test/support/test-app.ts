import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import { App, startApp } from '../../src/app';
import { Config, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/server/logger';
import { createTestDatabase } from './test-database';

export const TEST_OPERATOR_KEY = 'test-operator-key-0123456789abcdefghijklmnop';
export const TEST_JWT_SECRET = 'test-member-jwt-secret-0123456789abcdefghijkl';

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}

/** Talks to the server over real HTTP, as a partner's POS or a member app does. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): GraphQLClient {
    return new GraphQLClient(this.url, token);
  }

  async request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
  ): Promise<GraphQLResult<TResult>> {
    return this.post({ query: print(document), variables });
  }

  /** Sends any body, for malformed and adversarial requests. */
  async post(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResult<any>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, ...(text ? JSON.parse(text) : {}) };
  }

  /** Like `request`, but fails the test on any top-level error; returns the data. */
  async ok<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
    const result = await this.request(document, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }
}

export interface TestApp {
  app: App;
  config: Config;
  dataSource: DataSource;
  anonymous: GraphQLClient;
  operator: GraphQLClient;
  memberToken(cardNumber: string, opts?: { expiresIn?: string; secret?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Boots the real server on a free port against a fresh clone of the migrated test database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    COALITION_OPERATOR_KEY: TEST_OPERATOR_KEY,
    COALITION_MEMBER_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    COALITION_JOBS: 'off',
    COALITION_WEBHOOKS: 'off',
    ...env,
  });
  const app = await startApp(config, createLogger(config.logLevel));
  const anonymous = new GraphQLClient(app.url);
  return {
    app,
    config,
    dataSource: app.dataSource,
    anonymous,
    operator: anonymous.as(TEST_OPERATOR_KEY),
    memberToken: (cardNumber, opts = {}) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(cardNumber)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '10m')
        .sign(new TextEncoder().encode(opts.secret ?? TEST_JWT_SECRET)),
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}
