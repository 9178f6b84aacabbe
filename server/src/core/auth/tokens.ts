import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AuthError } from '../../errors.js';
import type { Role } from '../users/types.js';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  role: Role;
}

export interface AccessTokenCodec {
  sign(claims: AccessClaims, nowMs: number): Promise<string>;
  verify(token: string, nowMs: number): Promise<AccessClaims>;
  readonly ttlS: number;
}

const ISSUER = 'ai-secretary';

export function createAccessTokenCodec(secret: Buffer, ttlS: number): AccessTokenCodec {
  const key = new Uint8Array(secret);
  return {
    ttlS,
    async sign(claims, nowMs) {
      const iat = Math.floor(nowMs / 1000);
      return new SignJWT({ sid: claims.sessionId, role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlS)
        .sign(key);
    },
    async verify(token, nowMs) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          currentDate: new Date(nowMs),
          // A token without an expiry would be valid forever; one issued longer ago than the lifetime is stale.
          requiredClaims: ['exp', 'iat', 'sub'],
          maxTokenAge: ttlS,
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.role !== 'string') {
          throw new AuthError('AUTH_INVALID_TOKEN', 'Malformed access token');
        }
        return { userId: payload.sub, sessionId: payload.sid, role: payload.role as Role };
      } catch (error) {
        if (error instanceof AuthError) throw error;
        const expired = error instanceof joseErrors.JWTExpired;
        throw new AuthError('AUTH_INVALID_TOKEN', expired ? 'Access token expired' : 'Invalid access token', {
          cause: error,
        });
      }
    },
  };
}
