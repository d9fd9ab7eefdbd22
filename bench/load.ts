import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/**
 * Runs autocannon against one GraphQL operation; `body(i)` builds each request's body so every
 * request carries its own idempotency key and reference.
 */
export async function graphqlLoad(opts: {
  url: string;
  token: string | ((i: number) => string);
  connections: number;
  seconds: number;
  body: (i: number) => string;
  check?: (response: string) => void;
}): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: `${opts.url}/graphql`,
    connections: opts.connections,
    duration: opts.seconds,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const i = n++;
          const token = typeof opts.token === 'function' ? opts.token(i) : opts.token;
          return {
            ...req,
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: opts.body(i),
          };
        },
        onResponse: opts.check ? (_status, body) => opts.check!(body) : undefined,
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}
