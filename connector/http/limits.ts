/** Body limit and strict content types shared by the route groups (RELIABILITY.md §6.3). */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorBody, type HttpEnv } from './env.ts';

/** 413 with a JSON body once more than `maxBytes` arrive (Content-Length or chunked), before the handler. */
export function limitBody(maxBytes: number): MiddlewareHandler<HttpEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      const requestId: unknown = c.get('requestId');
      return c.json(
        {
          error: `body larger than ${maxBytes} bytes`,
          requestId: typeof requestId === 'string' ? requestId : null,
        },
        413,
      );
    },
  });
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  return headers.has('transfer-encoding') || (length !== null && length !== '0');
}

/** 415 unless the media type is one of `types`; a request without a body passes when `allowEmpty`. */
export function requireContentType(
  types: string[],
  allowEmpty = false,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const raw = c.req.header('content-type');
    if (!raw && allowEmpty && !hasBody(c.req.raw.headers)) return next();
    const media = (raw ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const charset = /charset=([^;]+)/i
      .exec(raw ?? '')?.[1]
      ?.trim()
      .toLowerCase();
    if (!types.includes(media) || (charset && charset !== 'utf-8')) {
      return c.json(errorBody(c, `content type must be ${types.join(' or ')} (UTF-8)`), 415);
    }
    return next();
  };
}
