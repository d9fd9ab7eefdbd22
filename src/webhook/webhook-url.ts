import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { RequestFilteringAgentOptions } from 'request-filtering-agent';
import { BusinessError } from '../common/user-error';
import { WebhookErrorCode } from './webhook.errors';

/**
 * Where webhooks may go. Strict (production): https only, and never an address that is not
 * public unicast (private, loopback, link-local, CGNAT, multicast, reserved) — checked here
 * after DNS when an endpoint is saved, and again on every connection by the delivery agent, so a
 * name re-pointed at an internal address later is refused too. Otherwise loopback is allowed,
 * for development receivers, and http as well.
 */
const LOOPBACK = ['127.0.0.1', '::1'];

export function agentFilter(strict: boolean): RequestFilteringAgentOptions {
  return { allowPrivateIPAddress: false, allowMetaIPAddress: false, allowIPAddressList: strict ? [] : LOOPBACK };
}

function addressAllowed(address: string, strict: boolean): boolean {
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast' || (!strict && LOOPBACK.includes(parsed.toString()));
}

/** The normalized URL, or a BusinessError saying why it may not receive webhooks. */
export async function checkWebhookUrl(raw: string, strict: boolean): Promise<string> {
  const invalid = (message: string) => new BusinessError(WebhookErrorCode.INVALID_WEBHOOK_URL, message, ['input', 'url']);
  const refused = (message: string) => new BusinessError(WebhookErrorCode.WEBHOOK_URL_NOT_ALLOWED, message, ['input', 'url']);
  if (raw.length > 2000) throw invalid('url must be at most 2,000 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url must be an http(s) URL');
  if (strict && url.protocol !== 'https:') throw refused('Webhooks are delivered over https only');
  if (url.username || url.password) throw invalid('url must not carry credentials; verify the signature instead');
  if (url.hash) throw invalid('url must not have a fragment');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw invalid(`The host "${host}" does not resolve`);
  }
  if (!addresses.every((a) => addressAllowed(a, strict))) {
    throw refused(`The host "${host}" is not a public address${strict ? '' : ' or loopback'}`);
  }
  return url.toString();
}
