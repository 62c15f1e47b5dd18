import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { dump } from 'js-yaml';
import type * as Forge from 'node-forge';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../crypto.js';
import type { CredentialRepository } from './ports.js';

const SEAL_CONTEXT = 'credential-ca:key';

/**
 * node-forge costs ~12 MB of resident memory once loaded, and most installations never issue a
 * certificate: it is loaded by the first `load()`, which every use of the CA awaits first (an
 * IssuedCertificate only exists after one).
 */
let forge: typeof Forge;
const CA_YEARS = 10;

/** A client certificate just issued, with its private key: handed out once, never stored. */
export interface IssuedCertificate {
  certificate: Forge.pki.Certificate;
  privateKey: Forge.pki.rsa.PrivateKey;
  caCertificate: Forge.pki.Certificate;
  /** serial number, hex (at most 32 characters) */
  serial: string;
  /** SHA-256 (hex) of the DER: what the database keeps to recognise the certificate */
  sha256: string;
  /** SHA-1 (hex) of the DER: F5's `gc_spec.digest` */
  sha1: string;
}

function rsaKeyPair(): { privateKey: Forge.pki.rsa.PrivateKey; publicKey: Forge.pki.rsa.PublicKey } {
  // Node's native generator (OpenSSL, milliseconds) instead of forge's pure-JS one (seconds).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as Forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/** A positive serial of 16 random bytes (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}

function derOf(certificate: Forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

/**
 * The credential CA that signs API certificates and kubeconfig client certificates. It is created
 * on first use and kept in the database (private key sealed with the master key), so every
 * instance signs with the same CA; the first instance to insert it wins a race.
 */
/** How far a leaf's notBefore lies before its issue (clock skew between us and verifiers). */
const NOT_BEFORE_SKEW_MS = 5 * 60 * 1000;

export class CertificateAuthority {
  #loaded: { certificate: Forge.pki.Certificate; privateKey: Forge.pki.rsa.PrivateKey } | undefined;

  constructor(
    private readonly repo: CredentialRepository,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly tenant: string,
  ) {}

  async certificatePem(): Promise<string> {
    const { certificate } = await this.load(); // first: it loads forge
    return forge.pki.certificateToPem(certificate);
  }

  async issue(subject: { commonName: string; namespace: string; notAfter: Date }): Promise<IssuedCertificate> {
    const ca = await this.load();
    const { privateKey, publicKey } = rsaKeyPair();
    const certificate = forge.pki.createCertificate();
    const serial = randomSerial();
    certificate.publicKey = publicKey;
    certificate.serialNumber = serial;
    // Backdated: a verifier whose clock is a little behind must not refuse a fresh certificate.
    certificate.validity.notBefore = new Date(this.clock.now().getTime() - NOT_BEFORE_SKEW_MS);
    certificate.validity.notAfter = subject.notAfter;
    certificate.setSubject([utf8('commonName', subject.commonName.slice(0, 64)), utf8('organizationName', this.tenant.slice(0, 64)), utf8('organizationalUnitName', subject.namespace)]);
    certificate.setIssuer(ca.certificate.subject.attributes);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
      // RFC 5280 §4.2.1.1/§4.2.1.2: chain builders match the leaf to its CA by these.
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: ca.certificate.generateSubjectKeyIdentifier().getBytes() },
    ]);
    certificate.sign(ca.privateKey, forge.md.sha256.create());
    const der = derOf(certificate);
    return {
      certificate,
      privateKey,
      caCertificate: ca.certificate,
      serial,
      sha256: createHash('sha256').update(der).digest('hex'),
      sha1: createHash('sha1').update(der).digest('hex'),
    };
  }

  /** Base64 of a PKCS#12 bundle (key, certificate, CA) encrypted with the caller's password. */
  pkcs12(issued: IssuedCertificate, password: string, friendlyName: string): string {
    const asn1 = forge.pkcs12.toPkcs12Asn1(issued.privateKey, [issued.certificate, issued.caCertificate], password, { algorithm: '3des', friendlyName });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').toString('base64');
  }

  /** Base64 of a kubeconfig whose user authenticates with the issued client certificate. */
  kubeconfig(issued: IssuedCertificate, options: { server: string; cluster: string; namespace: string; user: string }): string {
    const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
    const document = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: options.cluster, cluster: { server: options.server, 'certificate-authority-data': b64(forge.pki.certificateToPem(issued.caCertificate)) } }],
      users: [
        {
          name: options.user,
          user: { 'client-certificate-data': b64(forge.pki.certificateToPem(issued.certificate)), 'client-key-data': b64(forge.pki.privateKeyToPem(issued.privateKey)) },
        },
      ],
      contexts: [{ name: options.cluster, context: { cluster: options.cluster, user: options.user, namespace: options.namespace } }],
      'current-context': options.cluster,
    };
    return Buffer.from(dump(document), 'utf8').toString('base64');
  }

  private async load(): Promise<{ certificate: Forge.pki.Certificate; privateKey: Forge.pki.rsa.PrivateKey }> {
    if (this.#loaded) return this.#loaded;
    forge ??= (await import('node-forge')).default;
    let record = await this.repo.getCa();
    if (!record) {
      await this.repo.insertCaIfAbsent(this.generate(), this.clock.now());
      record = await this.repo.getCa();
      if (!record) throw new Error('credential CA missing after insert');
    }
    this.#loaded = {
      certificate: forge.pki.certificateFromPem(record.certificatePem),
      privateKey: forge.pki.privateKeyFromPem(this.box.open(record.privateKeySealed, SEAL_CONTEXT)) as Forge.pki.rsa.PrivateKey,
    };
    return this.#loaded;
  }

  private generate(): { certificatePem: string; privateKeySealed: string } {
    const { privateKey, publicKey } = rsaKeyPair();
    const certificate = forge.pki.createCertificate();
    const now = this.clock.now();
    certificate.publicKey = publicKey;
    certificate.serialNumber = randomSerial();
    certificate.validity.notBefore = now;
    certificate.validity.notAfter = new Date(now.getTime() + CA_YEARS * 365 * 86_400_000);
    const subject = [utf8('commonName', `Gatehouse credential CA (${this.tenant})`.slice(0, 64)), utf8('organizationName', this.tenant.slice(0, 64))];
    certificate.setSubject(subject);
    certificate.setIssuer(subject);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    certificate.sign(privateKey, forge.md.sha256.create());
    return { certificatePem: forge.pki.certificateToPem(certificate), privateKeySealed: this.box.seal(forge.pki.privateKeyToPem(privateKey), SEAL_CONTEXT) };
  }
}

/**
 * A subject attribute as UTF8String (RFC 5280 §4.1.2.6). forge's default, PrintableString, cannot
 * hold `@` or `_`: Go's crypto/x509 (Caddy, Kubernetes, Traefik) refuses such a certificate.
 */
function utf8(name: string, value: string): Forge.pki.CertificateField {
  return { name, value: forge.util.encodeUtf8(value), valueTagClass: forge.asn1.Type.UTF8 as unknown as Forge.asn1.Class };
}
