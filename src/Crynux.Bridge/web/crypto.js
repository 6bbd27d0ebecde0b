// Request signing for the Crynux Bridge pages, exactly as the bridge verifies it (docs/api.md §5):
//   bytes     = canonicalJSON(obj) + decimal(timestamp), UTF-8
//   digest    = keccak256(bytes)            (Ethereum keccak, not NIST SHA3)
//   signature = secp256k1 recoverable signature of digest, r(32) ‖ s(32) ‖ v(1), v ∈ {0,1}, low-S, "0x" + hex
// Bundled for the browser by esbuild into ../wwwroot/lib/crynux-crypto.js. Private keys never leave this module's caller.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const HEX_DIGITS = '0123456789abcdef';

function stripHexPrefix(s) {
  return s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
}

/** Parses a 32-byte private key given as hex, with or without 0x. Throws a readable Error otherwise. */
function parsePrivateKey(privKeyHex) {
  if (typeof privKeyHex !== 'string') throw new Error('private key must be a hex string');
  const hex = stripHexPrefix(privKeyHex.trim());
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('private key must be 32 bytes of hex (64 hex digits, optionally prefixed with 0x)');
  const key = hexToBytes(hex.toLowerCase());
  if (!secp256k1.utils.isValidSecretKey(key)) throw new Error('private key is out of range for secp256k1');
  return key;
}

/** A JSON string literal as Go's encoding/json writes it (Go 1.19, the upstream bridge's version). */
function goQuote(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + HEX_DIGITS[(c >> 12) & 15] + HEX_DIGITS[(c >> 8) & 15] + HEX_DIGITS[(c >> 4) & 15] + HEX_DIGITS[c & 15];
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s[i] + s[i + 1]; // a well-formed surrogate pair: raw, like any other non-ASCII text
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd'; // a lone surrogate cannot be UTF-8; Go writes invalid UTF-8 as \ufffd
    } else {
      out += s[i];
    }
  }
  return out + '"';
}

/**
 * The bridge's canonical JSON: keys sorted by byte order at every level, no whitespace, strings escaped the Go way.
 * Numbers must be safe integers (the signed objects hold only strings and integers); anything else is refused rather
 * than risk bytes that differ from Go's float64 re-encoding.
 */
export function canonicalJSON(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new Error(`cannot sign the number ${value}: only integers up to 2^53 are supported`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(canonicalJSON).join(',') + ']';
      // Go sorts map keys by their UTF-8 bytes; for the ASCII keys of the bridge's requests that is code-unit order.
      const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
      return '{' + keys.map((k) => goQuote(k) + ':' + canonicalJSON(value[k])).join(',') + '}';
    }
    default:
      throw new Error(`cannot sign a value of type ${typeof value}`);
  }
}

/** The bytes a signature covers: canonicalJSON(obj) followed by the decimal timestamp, as UTF-8. */
export function signedBytes(obj, timestamp) {
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) throw new Error('timestamp must be a positive integer (unix seconds)');
  return utf8ToBytes(canonicalJSON(obj) + String(timestamp));
}

/** keccak256 of bytes or of a UTF-8 string, as 0x-prefixed hex. */
export function keccak256Hex(data) {
  return '0x' + bytesToHex(keccak_256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/**
 * Signs obj at timestamp (unix seconds; defaults to now) with the private key.
 * Returns "0x" + hex of r ‖ s ‖ v with v ∈ {0,1} and low S: the form the bridge and the Relay accept.
 */
export function signRequest(privKeyHex, obj, timestamp = Math.floor(Date.now() / 1000)) {
  const key = parsePrivateKey(privKeyHex);
  const digest = keccak_256(signedBytes(obj, timestamp));
  // prehash:false: the digest is already keccak256; noble would otherwise SHA-256 it again.
  // 'recovered' is recovery ‖ r ‖ s; the bridge wants r ‖ s ‖ recovery.
  const sig = secp256k1.sign(digest, key, { prehash: false, lowS: true, format: 'recovered' });
  const out = new Uint8Array(65);
  out.set(sig.subarray(1, 65), 0);
  out[64] = sig[0];
  return '0x' + bytesToHex(out);
}

/** True when addr is 0x followed by 40 hex digits (any case). */
export function isAddress(addr) {
  return typeof addr === 'string' && /^0x[0-9a-fA-F]{40}$/.test(addr.trim());
}

/** The EIP-55 checksummed form of a 20-byte hex address (with or without 0x, any case). */
export function toChecksumAddress(addr) {
  if (typeof addr !== 'string') throw new Error('address must be a string');
  const hex = stripHexPrefix(addr.trim()).toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(hex)) throw new Error('address must be 0x followed by 40 hex digits');
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? hex[i].toUpperCase() : hex[i];
  return out;
}

/**
 * False only for a mixed-case address whose case does not match its EIP-55 checksum (a likely typo).
 * All-lower and all-upper addresses carry no checksum and pass.
 */
export function hasValidChecksum(addr) {
  const hex = stripHexPrefix(addr.trim());
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return true;
  return toChecksumAddress(hex) === '0x' + hex;
}

/** The EIP-55 address of a private key: the last 20 bytes of keccak256 of the uncompressed public key without 0x04. */
export function addressOf(privKeyHex) {
  const pub = secp256k1.getPublicKey(parsePrivateKey(privKeyHex), false);
  return toChecksumAddress(bytesToHex(keccak_256(pub.subarray(1)).subarray(12)));
}

/** A fresh random private key from the platform's CSPRNG, as 0x-prefixed hex. */
export function randomPrivateKey() {
  return '0x' + bytesToHex(secp256k1.utils.randomSecretKey());
}
