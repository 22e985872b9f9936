// SRP-6a for the browser viewer, on BigInt and WebCrypto (no DOM here). Byte for byte what the desktop
// viewer and host do with BouncyCastle (protocol/…/pake): RFC 5054's groups, k = H(PAD(N) | PAD(g)),
// x = H(s | H(I | ":" | P)), u = H(PAD(A) | PAD(B)), M1 = H(PAD(A) | PAD(B) | PAD(S)),
// M2 = H(PAD(A) | PAD(M1) | PAD(S)) (BouncyCastle's evidence messages, every value padded to N's length).
// From the premaster secret PAD(S), HKDF-SHA256 (salt "romotica-remote-v1|" + session id) gives the key that
// MACs each side's DTLS fingerprint and the six-digit verification code both sides show.
//
// A failed check throws a PakeError with code SECURITY_CHECK_FAILED or MALFORMED; the caller aborts the
// session (never continues without the check).

const CONTEXT = 'romotica-remote-v1';
const utf8 = new TextEncoder();

/** RFC 5054's 1024-bit group with SHA-1 (its test vectors only). */
export const RFC5054_1024_SHA1 = {
  N: BigInt('0xEEAF0AB9ADB38DD69C33F80AFA8FC5E86072618775FF3C0B9EA2314C9C256576D674DF7496EA81D3383B4813D692C6E0'
    + 'E0D5D8E250B98BE48E495C1D6089DAD15DC7D7B46154D6B6CE8EF4AD69B15D4982559B297BCF1885C529F566660E57EC68EDBC3C'
    + '05726CC02FD4CBF4976EAA9AFD5138FE8376435B9FC61D2FC0EB06E3'),
  g: 2n,
  hash: 'SHA-1',
};

/** RFC 5054's 2048-bit group with SHA-256: what host and viewer run (SrpSuite.STANDARD). */
export const STANDARD = {
  N: BigInt('0xAC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC3192943DB56050A37329CBB4A099ED8193E0757767A13D'
    + 'D52312AB4B03310DCD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FBD5FAAAE82918A9962F0B93B855F97993'
    + 'EC975EEAA80D740ADBF4FF747359D041D5C33EA71D281E446B14773BCA97B43A23FB801676BD207A436C6481F1D2B9078717461A'
    + '5B9D32E688F87748544523B524B0D57D5EA77A2775D2ECFA032CFBDBF52FB3786160279004E57AE6AF874E7303CE53299CCC041C'
    + '7BC308D82A5698F3A8D0C38271AE35F8E9DBFBB694B5C803D89F7AE435DE236D525F54759B65E372FCD68EF20FA7111F9E4AFF73'),
  g: 2n,
  hash: 'SHA-256',
};

export class PakeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// --- bytes and numbers ---

export function bytesToBigInt(bytes) {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Unsigned big-endian bytes of n, padded to `length` (or as short as possible without one). */
export function bigIntToBytes(n, length = 0) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (hex === '00') hex = '';
  const size = Math.max(length, hex.length / 2);
  const out = new Uint8Array(size);
  const offset = size - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[offset + i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function hexToBytes(hex) {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function toBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text) {
  let s;
  try {
    s = atob(text || '');
  } catch {
    throw new PakeError('MALFORMED', 'a PAKE value is not base64');
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function modPow(base, exp, mod) {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

function mod(a, m) {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function length(group) {
  return bigIntToBytes(group.N).length;
}

async function hash(group, ...parts) {
  return new Uint8Array(await crypto.subtle.digest(group.hash, concat(...parts)));
}

/** H(PAD(a) | PAD(b) | …) as a number: BouncyCastle's hashPaddedPair/Triplet. */
async function hashPadded(group, ...values) {
  const len = length(group);
  return bytesToBigInt(await hash(group, ...values.map((v) => bigIntToBytes(v, len))));
}

/** What a typed one-time password becomes: upper case, without spaces or dashes (OneTimePassword.normalize). */
export function normalizePassword(typed) {
  return String(typed).trim().replace(/[\s-]/g, '').toUpperCase();
}

/** The SRP identity of a host (SrpSuite.identity). */
export function identity(hostId) {
  return utf8.encode(`romotica-host:${hostId}`);
}

// --- the SRP pieces (exported for the RFC 5054 check) ---

export async function computeK(group) {
  return hashPadded(group, group.N, group.g);
}

export async function computeX(group, salt, id, password) {
  const inner = await hash(group, id, utf8.encode(':'), utf8.encode(password));
  return bytesToBigInt(await hash(group, salt, inner));
}

export async function computeVerifier(group, salt, id, password) {
  return modPow(group.g, await computeX(group, salt, id, password), group.N);
}

/** The host's B = k·v + g^b (for the test vectors: the viewer never needs it). */
export async function computeB(group, v, b) {
  return mod((await computeK(group)) * v + modPow(group.g, b, group.N), group.N);
}

function randomPrivate() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  const a = bytesToBigInt(bytes);
  return a === 0n ? 1n : a;
}

/**
 * The viewer's side for one attempt (SrpViewer): answer(hello) gives {a, m1} for the host; confirm(confirm,
 * sessionId) checks the host's M2 and yields the SessionKey. privateA: fixed a, for known-answer tests only.
 */
export class SrpClient {
  constructor(id, password, { group = STANDARD, privateA = null } = {}) {
    this.group = group;
    this.id = id;
    this.password = password;
    this.a = privateA ?? randomPrivate();
    this.secret = null;
  }

  /** {A, S, M1} from the host's salt and B (bytes and number). */
  async compute(salt, B) {
    const { N, g } = this.group;
    if (mod(B, N) === 0n) throw new PakeError('SECURITY_CHECK_FAILED', "the host's public value is invalid");
    const A = modPow(g, this.a, N);
    const x = await computeX(this.group, salt, this.id, this.password);
    const k = await computeK(this.group);
    const u = await hashPadded(this.group, A, B);
    const S = modPow(mod(B - k * modPow(g, x, N), N), u * x + this.a, N);
    const M1 = await hashPadded(this.group, A, B, S);
    this.A = A;
    this.M1 = M1;
    this.secret = S;
    return { A, S, M1 };
  }

  /** The answer to the host's srp-hello: the srp-proof payload. */
  async answer(hello) {
    const salt = fromBase64(hello.salt);
    if (salt.length < 16) throw new PakeError('SECURITY_CHECK_FAILED', "the host's salt is too short");
    const { A, M1 } = await this.compute(salt, bytesToBigInt(fromBase64(hello.b)));
    return { t: 'srp-proof', a: toBase64(bigIntToBytes(A, length(this.group))), m1: toBase64(bigIntToBytes(M1)) };
  }

  /** Checks the host's srp-confirm; the session key when it holds, else SECURITY_CHECK_FAILED. */
  async confirm(confirmation, sessionId) {
    if (this.secret === null) throw new PakeError('MALFORMED', 'answer the host first');
    const expected = await hashPadded(this.group, this.A, this.M1, this.secret);
    if (bytesToBigInt(fromBase64(confirmation.m2)) !== expected) {
      throw new PakeError('SECURITY_CHECK_FAILED', 'the host could not prove the password');
    }
    return SessionKey.derive(bigIntToBytes(this.secret, length(this.group)), sessionId);
  }
}

/** The MAC key and verification code derived from the premaster secret (SessionKey). */
export class SessionKey {
  static async derive(premaster, sessionId) {
    const ikm = await crypto.subtle.importKey('raw', premaster, 'HKDF', false, ['deriveBits']);
    const salt = utf8.encode(`${CONTEXT}|${sessionId}`);
    const bits = async (info, n) => new Uint8Array(await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(`${CONTEXT}|${info}`) }, ikm, n * 8));
    const macKey = await bits('fingerprint-mac', 32);
    const c = await bits('verification-code', 4);
    const n = ((c[0] * 0x1000000) + (c[1] << 16) + (c[2] << 8) + c[3]) % 1000000;
    const digits = String(n).padStart(6, '0');
    const key = await crypto.subtle.importKey('raw', macKey, { name: 'HMAC', hash: 'SHA-256' }, false,
      ['sign', 'verify']);
    return new SessionKey(key, `${digits.slice(0, 3)} ${digits.slice(3)}`);
  }

  constructor(key, code) {
    this.key = key;
    this.verificationCode = code;
  }

  static input(role, fingerprint) {
    return utf8.encode(`dtls-fingerprint|${role}|${fingerprint.toUpperCase()}`);
  }

  /** MAC (base64) of a DTLS fingerprint sent by role 'HOST' | 'VIEWER'. */
  async macFingerprint(role, fingerprint) {
    return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', this.key, SessionKey.input(role, fingerprint))));
  }

  /** True when mac is the MAC of fingerprint from role (WebCrypto's verify compares in constant time). */
  async verifyFingerprint(role, fingerprint, mac) {
    let given;
    try {
      given = fromBase64(mac);
    } catch {
      return false;
    }
    return crypto.subtle.verify('HMAC', this.key, given, SessionKey.input(role, fingerprint));
  }
}

/** The one sha-256 DTLS fingerprint of a session description as "sha-256 AB:CD:…" (Fingerprints.of). */
export function fingerprintOf(sdp) {
  const found = new Set();
  const line = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/gm;
  for (const m of String(sdp || '').matchAll(line)) {
    const algorithm = m[1].toLowerCase();
    if (algorithm !== 'sha-256') throw new PakeError('SECURITY_CHECK_FAILED', 'fingerprint is not sha-256');
    found.add(`${algorithm} ${m[2].toUpperCase()}`);
  }
  if (found.size !== 1) {
    throw new PakeError('SECURITY_CHECK_FAILED', 'the description must carry exactly one DTLS fingerprint');
  }
  return [...found][0];
}

/**
 * RFC 5054 Appendix B in this browser: from the RFC's salt, identity, password and private values, the
 * public values A and B and the premaster secret S (hex, upper case) for comparison with the RFC's.
 */
export async function rfc5054Values({ salt, id, password, a, b }) {
  const group = RFC5054_1024_SHA1;
  const saltBytes = hexToBytes(salt);
  const idBytes = utf8.encode(id);
  const v = await computeVerifier(group, saltBytes, idBytes, password);
  const B = await computeB(group, v, BigInt(`0x${b.replace(/\s+/g, '')}`));
  const client = new SrpClient(idBytes, password, { group, privateA: BigInt(`0x${a.replace(/\s+/g, '')}`) });
  const { A, S } = await client.compute(saltBytes, B);
  const hex = (n) => n.toString(16).toUpperCase();
  return { k: hex(await computeK(group)), x: hex(await computeX(group, saltBytes, idBytes, password)),
    v: hex(v), A: hex(A), B: hex(B), S: hex(S) };
}
