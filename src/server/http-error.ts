/** An HTTP answer other than GraphQL's: status, stable code and message, sent as `{ errors: [...] }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
