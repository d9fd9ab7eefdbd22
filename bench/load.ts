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

/** The middle of `xs` (the mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
}

/** The median of several runs of one load by throughput (its latencies with it), and every run's throughput. */
export function medianResult(results: LoadResult[]): LoadResult & { runs: number[] } {
  const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return { ...sorted[(sorted.length - 1) >> 1], runs: results.map((r) => r.requestsPerSecond) };
}

/** Runs a load `rounds` times: on a shared machine one run of the same load varies by ±15 %. */
export async function medianRun(rounds: number, load: (round: number) => Promise<LoadResult>): Promise<LoadResult & { runs: number[] }> {
  const results: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) results.push(await load(round));
  return medianResult(results);
}
