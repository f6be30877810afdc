import type { ApiErrorBody } from '@concord/protocol';

/** A non-2xx answer from the API, with Discord's error body. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} → ${status} ${body.code}: ${body.message}`);
  }

  get code(): number {
    return this.body.code;
  }
}

export interface RestClientOptions {
  /** Base URL of a node or balancer, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** A user token, or `Bot <token>` for bots. */
  token?: string;
  /** How many times to wait out a 429 before failing (default 3). */
  maxRateLimitRetries?: number;
  fetch?: typeof fetch;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined>;

/** The low-level typed REST transport: JSON in, JSON out, errors as `ApiRequestError`. */
export class RestClient {
  private token: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: RestClientOptions) {
    this.token = options.token;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  setToken(token: string | undefined): void {
    this.token = token;
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(`${this.baseUrl}/api/v10${path}`);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 429 && attempt < maxRetries) {
        const retryAfter = Number(response.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAfter) * 1000));
        continue;
      }
      const text = await response.text();
      const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
      if (!response.ok) {
        const errorBody = (parsed as ApiErrorBody | undefined) ?? { code: 0, message: response.statusText };
        throw new ApiRequestError(response.status, errorBody, method, path);
      }
      return parsed as T;
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body);
  }
}
