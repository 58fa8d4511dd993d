/**
 * Errors that may reach a client. Domain code throws these; the HTTP layer
 * turns them into `application/problem+json` (RFC 9457). Anything else is our
 * own mistake and leaves the server only as a generic 500 with a request id.
 */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable machine-readable code, the last part of the problem `type`. */
    readonly code: string,
    readonly title: string,
    readonly detail: string = title,
    readonly errors?: readonly FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError =>
  new AppError(404, 'not-found', 'Not found', `${what} was not found`);

export const badRequest = (detail: string, errors?: readonly FieldError[]): AppError =>
  new AppError(400, 'invalid-request', 'Invalid request', detail, errors);

export const conflict = (detail: string): AppError =>
  new AppError(409, 'conflict', 'Conflict', detail);

export const unauthorized = (detail = 'Authentication is required'): AppError =>
  new AppError(401, 'unauthorized', 'Unauthorized', detail);

export const forbidden = (detail: string): AppError =>
  new AppError(403, 'forbidden', 'Forbidden', detail);
