import { createHash, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import { importSPKI, jwtVerify, KeyLike } from 'jose';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/data-source';
import { gatheredLookup } from '../database/loaders';
import { withRetry } from '../ledger/ledger-call';
import type { Config } from '../config/config';
import { normalizeCardNumber } from '../member/member.service';
import { unauthenticated } from './auth.errors';
import type { Principal } from './principal';

const PARTNER_KEY_PREFIX = 'cpk_';

/** A new partner API key: 256 random bits, shown once; only its SHA-256 is stored. */
export function newPartnerApiKey(): { key: string; hash: Buffer; prefix: string } {
  const key = PARTNER_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: sha256(key), prefix: key.slice(0, 12) };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Resolves `Authorization: Bearer <credential>` to a principal: operator key, partner key or member JWT. */
export class Authenticator {
  private readonly operatorKeyHash: Buffer;
  private readonly memberKey: Promise<KeyLike | Uint8Array | null>;
  /** Live partner keys by the hex of their SHA-256; every partner request looks its key up. */
  private readonly partnerKeys: DataLoader<string, { id: string; partner_id: string; hash: string } | null>;

  constructor(
    private readonly config: Config,
    private readonly dataSource: DataSource,
  ) {
    this.operatorKeyHash = sha256(config.operatorKey);
    this.partnerKeys = gatheredLookup(
      dataSource,
      `SELECT id, partner_id, encode(key_hash, 'hex') AS hash FROM partner_api_keys
        WHERE key_hash IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) h) AND revoked_at IS NULL`,
      (row) => row.hash,
    );
    const { secret, publicKeyPem } = config.memberJwt;
    this.memberKey = publicKeyPem
      ? importSPKI(publicKeyPem, 'RS256')
      : Promise.resolve(secret ? createSecretKey(Buffer.from(secret, 'utf8')) : null);
  }

  /** null for an anonymous request; throws UNAUTHENTICATED for a credential that does not check out. */
  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (authorization === undefined || authorization === '') return null;
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization header must be "Bearer <credential>"');
    const credential = match[1];
    if (credential.startsWith(PARTNER_KEY_PREFIX)) return this.partner(credential);
    if (credential.split('.').length === 3) return this.member(credential);
    // Comparing hashes keeps the comparison constant-time whatever the credential's length.
    if (timingSafeEqual(sha256(credential), this.operatorKeyHash)) return { kind: 'OPERATOR' };
    throw unauthenticated('Unknown credential');
  }

  private async partner(key: string): Promise<Principal> {
    // A read: safe to repeat when the connection died under it.
    const row = await withRetry(() => this.partnerKeys.load(sha256(key).toString('hex')), { connectionLost: true });
    if (!row) throw unauthenticated('Unknown or revoked partner API key');
    return { kind: 'PARTNER', partnerId: row.partner_id, apiKeyId: row.id };
  }

  private async member(token: string): Promise<Principal> {
    const key = await this.memberKey;
    if (!key) throw unauthenticated('Member tokens are not configured on this server');
    const { issuer, audience, publicKeyPem } = this.config.memberJwt;
    let cardNumber: string;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [publicKeyPem ? 'RS256' : 'HS256'],
        issuer: issuer ?? undefined,
        audience: audience ?? undefined,
        requiredClaims: ['sub', 'exp'],
      });
      cardNumber = normalizeCardNumber(String(payload.sub));
    } catch (err) {
      throw unauthenticated(`Invalid member token: ${(err as Error).message}`);
    }
    // An erased member's token no longer signs in, whoever issued it (tokens are stateless).
    const erased = await withRetry(
      () => queryRows(this.dataSource, 'SELECT 1 FROM members WHERE card_number = $1 AND erased_at IS NOT NULL', [cardNumber]),
      { connectionLost: true },
    );
    if (erased.length > 0) throw unauthenticated("This card's member data was erased");
    return { kind: 'MEMBER', cardNumber };
  }
}
