/**
 * Access tokens: JWT HS256 through fast-jwt, signed with JWT_SECRET.
 * Verification pins the algorithm, issuer, audience and token type, so a
 * token of another kind (an MFA challenge, say) or from another issuer is
 * refused even when its signature is good. Revocation is checked by the
 * caller against the session row.
 */
import { createSigner, createVerifier } from 'fast-jwt';

export const ISSUER = 'daybook';
export const AUDIENCE = 'daybook-api';

export type TokenType = 'access' | 'mfa';

export interface TokenClaims {
  readonly sub: string;
  readonly sid: string;
  readonly typ: TokenType;
  readonly iat: number;
  readonly exp: number;
}

export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;

  constructor(
    secret: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.sign = createSigner({
      key: secret,
      algorithm: 'HS256',
      iss: ISSUER,
      aud: AUDIENCE,
      expiresIn: ttlSeconds * 1000,
    });
    this.verify = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      // fast-jwt checks iss and aud only when present: require them, or a
      // token that simply leaves them out would pass.
      requiredClaims: ['sub', 'sid', 'typ', 'iss', 'aud', 'iat', 'exp'],
      // Verified tokens are cached; the cache honours each token's expiry.
      cache: 10_000,
    });
  }

  get expiresIn(): number {
    return this.ttlSeconds;
  }

  issue(userId: string, sessionId: string, typ: TokenType = 'access'): string {
    return this.sign({ sub: userId, sid: sessionId, typ });
  }

  /** Returns the claims of a valid token of the expected type, or undefined. */
  check(token: string, typ: TokenType = 'access'): TokenClaims | undefined {
    let claims: Record<string, unknown>;
    try {
      claims = this.verify(token);
    } catch {
      return undefined;
    }
    if (claims.typ !== typ || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
      return undefined;
    }
    return claims as unknown as TokenClaims;
  }
}
