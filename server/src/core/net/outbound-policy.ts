import dns from 'node:dns';
import net, { BlockList, type LookupFunction } from 'node:net';
import { OutboundBlockedError } from '../../errors.js';

/**
 * Where server-side requests an admin can aim (LLM providers, webhooks; later HTTP tools and document URLs) may
 * go. Public addresses are open; loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast
 * and reserved ranges are refused unless an `allow` entry names them: an address, a CIDR range or a host name,
 * each optionally with `:port` (`127.0.0.1:8000`, `10.0.0.0/8`, `[::1]:8000`, `llm.lan`). Addresses are checked
 * on the URL and again after DNS resolution on every new connection, so a name that resolves (or later
 * re-resolves) to a refused address is refused too. Redirects are never followed by the fetches that use it.
 */
export interface OutboundPolicy {
  /** The allow entries in effect (shown to admins). */
  readonly allow: readonly string[];
  /** Parses and checks a URL's scheme and literal address; throws OutboundBlockedError. */
  checkUrl(url: string | URL): URL;
  /** A `lookup` for sockets to `port`: resolves, then refuses blocked addresses. */
  lookupFor(port: number): LookupFunction;
}

const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

function blockedRanges(): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of BLOCKED_V4) list.addSubnet(address, prefix, 'ipv4');
  for (const [address, prefix] of BLOCKED_V6) list.addSubnet(address, prefix, 'ipv6');
  return list;
}

interface AllowEntry {
  text: string;
  port: number | null;
  host: string | null;
  range: BlockList | null;
}

/** `host[:port]`, `[v6][:port]`, a bare IPv6 address or range, `a.b.c.d/nn[:port]`. */
function splitHostPort(text: string): { hostPart: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { hostPart: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : null };
  if (text.split(':').length > 2) return { hostPart: text, port: null };
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!plain) throw new OutboundBlockedError(`OUTBOUND_ALLOW entry "${text}" is not host[:port]`);
  return { hostPart: plain[1]!, port: plain[2] ? Number(plain[2]) : null };
}

function parseAllowEntry(text: string): AllowEntry {
  const { hostPart, port } = splitHostPort(text);
  const [address, prefix] = hostPart.split('/');
  const family = net.isIP(address!);
  if (family === 0) return { text, port, host: hostPart.toLowerCase(), range: null };
  const range = new BlockList();
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
  range.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
  return { text, port, host: null, range };
}

/** `::ffff:127.0.0.1` is 127.0.0.1. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: net.isIPv4(address) ? 'ipv4' : 'ipv6' };
}

const defaultPort = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

export function createOutboundPolicy(options: { allow: readonly string[] }): OutboundPolicy {
  const blocked = blockedRanges();
  const entries = options.allow
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .map(parseAllowEntry);
  const portFits = (entry: AllowEntry, port: number) => entry.port === null || entry.port === port;

  function addressAllowed(raw: string, port: number, hostname: string | null): boolean {
    const { address, type } = unmapped(raw);
    if (!blocked.check(address, type)) return true;
    return entries.some(
      (e) => portFits(e, port) && (e.range ? e.range.check(address, type) : hostname !== null && e.host === hostname),
    );
  }

  function refuse(host: string, address: string): never {
    throw new OutboundBlockedError(
      `Requests to ${host}${address === host ? '' : ` (${address})`} are refused: a loopback, private or ` +
        'link-local address; add it to OUTBOUND_ALLOW to permit it',
    );
  }

  function checkUrl(input: string | URL): URL {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new OutboundBlockedError(`"${String(input)}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundBlockedError(`Only http and https URLs are allowed (got ${url.protocol})`);
    if (url.username || url.password) throw new OutboundBlockedError('URLs with credentials are not allowed');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) !== 0 && !addressAllowed(host, defaultPort(url), null)) refuse(host, host);
    return url;
  }

  function lookupFor(port: number): LookupFunction {
    return (hostname, lookupOptions, callback) => {
      dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const name = hostname.toLowerCase();
        const refused = addresses.find((a) => !addressAllowed(a.address, port, name));
        if (refused) {
          try {
            refuse(hostname, refused.address);
          } catch (blockedError) {
            return callback(blockedError as NodeJS.ErrnoException, '', 0);
          }
        }
        if (lookupOptions.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
  }

  return { allow: entries.map((e) => e.text), checkUrl, lookupFor };
}

/** The port a URL's connections go to. */
export const portOf = defaultPort;

const LOCAL_SUFFIXES = ['.localhost', '.local', '.lan', '.internal', '.home.arpa'];

/**
 * Whether a URL names this box or the local network by its address or name: loopback, private, link-local or
 * carrier-grade NAT addresses, `localhost`, a single-label name (a Docker Compose service such as `vllm`) or a
 * local-only suffix. Used as the default of a provider's `local` flag; it does not resolve names.
 */
export function isLocalUrl(input: string): boolean {
  let host: string;
  try {
    host = new URL(input).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (net.isIP(host) !== 0) {
    const { address, type } = unmapped(host);
    return blockedRanges().check(address, type);
  }
  return host === 'localhost' || !host.includes('.') || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
