/**
 * Keypair material as Nova handles it (nova/crypto.py): fingerprints of imported public keys and
 * generated RSA key pairs. Pure functions; nova-writes.ts turns failures into Nova's 400s.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';

/** Key types OpenSSH public keys may carry that `cryptography` loads (what Nova accepts). */
const SSH_KEY_TYPES = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

function colonHex(digest: Buffer): string {
  return digest.toString('hex').match(/../g)?.join(':') ?? '';
}

/**
 * Nova's fingerprint of an OpenSSH public key: MD5 of the decoded key blob, colon-separated hex.
 * Undefined when the text is not a loadable `<type> <base64 blob> [comment]` key (Nova: "failed
 * to generate fingerprint").
 */
export function sshFingerprint(publicKey: string): string | undefined {
  const [type, blob64] = publicKey.trim().split(/\s+/);
  if (!type || !blob64 || !SSH_KEY_TYPES.includes(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob64)) return undefined;
  const blob = Buffer.from(blob64, 'base64');
  // The blob starts with its own key type as a length-prefixed string, which must agree.
  if (blob.length < 4) return undefined;
  const typeLength = blob.readUInt32BE(0);
  if (blob.length < 4 + typeLength + 4 || blob.subarray(4, 4 + typeLength).toString('latin1') !== type) return undefined;
  return colonHex(createHash('md5').update(blob).digest());
}

/** Nova's fingerprint of an x509 certificate (PEM): SHA-1 of the DER form; undefined if unreadable. */
export function x509Fingerprint(pem: string): string | undefined {
  try {
    return colonHex(createHash('sha1').update(new X509Certificate(pem).raw).digest());
  } catch {
    return undefined;
  }
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the high bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  const first = unsigned[0] ?? 0;
  return sshString(first & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned);
}

/**
 * A new 2048-bit RSA key pair as Nova generates it (keypair create without `public_key`, up to
 * 2.91): the public key in OpenSSH form with the comment `Generated-by-Nova`, the private key as
 * a traditional `BEGIN RSA PRIVATE KEY` PEM.
 */
export function generateRsaKeypair(): { publicKey: string; privateKey: string; fingerprint: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const jwk = publicKey.export({ format: 'jwk' });
  const e = Buffer.from(jwk.e ?? '', 'base64url');
  const n = Buffer.from(jwk.n ?? '', 'base64url');
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshMpint(e), sshMpint(n)]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} Generated-by-Nova`,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    fingerprint: colonHex(createHash('md5').update(blob).digest()),
  };
}
