// An independent verifier for mopscert Open Badges, run by the Go tests.
// It uses Digital Bazaar's VC stack (eddsa-rdfc-2022) and jose, and never
// touches the internet: contexts come from the npm packages (the Open Badges
// 3.0.3 context from the file given, 1EdTech's current copy with
// awardedDate), and issuer, keys and status lists from the test server.
//
// Input (stdin): {"base": URL, "now": RFC 3339, "obContext": path, "credential": {...} | null,
//                 "jwt": "..." | null, "jwks": {...} | null}
// Output (stdout): {"ok": bool, "error": "...", "revoked": bool, "suspended": bool, "jwtOk": bool, ...}
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as credCtx from '@digitalbazaar/credentials-context';
import diCtx from '@digitalbazaar/data-integrity-context';
import mkCtx from '@digitalbazaar/multikey-context';
import didCtx from 'did-context';
import * as jose from 'jose';

const input = JSON.parse(readFileSync(0, 'utf8'));
const base = input.base;
// The server under test runs on a fake clock; validity is judged at its time.
const now = input.now ? new Date(input.now) : new Date();

const contexts = new Map();
for (const m of [credCtx.contexts, diCtx.contexts, mkCtx.contexts, didCtx.contexts]) {
  for (const [url, doc] of m) contexts.set(url, doc);
}
contexts.set('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  JSON.parse(readFileSync(input.obContext, 'utf8')));

async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

// Only contexts we hold and documents of the server under test load.
async function documentLoader(url) {
  if (contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if (!url.startsWith(base + '/')) throw new Error(`refusing to load ${url}`);
  const [doc, frag] = url.split('#');
  const d = await getJSON(doc);
  if (!frag) return {contextUrl: null, documentUrl: url, document: d};
  const vm = (d.verificationMethod || []).find(m => m.id === url);
  if (!vm) throw new Error(`no verification method ${url}`);
  return {contextUrl: null, documentUrl: url,
    document: {'@context': 'https://w3id.org/security/multikey/v1', ...vm}};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const out = {};

function bitAt(encoded, i) {
  if (!encoded.startsWith('u')) throw new Error('encodedList is not multibase base64url');
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  out.listEntries = bits.length * 8;
  return (bits[Math.floor(i / 8)] & (0x80 >> (i % 8))) !== 0;
}

try {
  if (input.credential) {
    // The status is read below, bit by bit, so that a revoked credential
    // still shows whether its proof holds.
    const checkStatus = async () => ({verified: true});
    const r = await vc.verifyCredential({credential: input.credential, suite, documentLoader, checkStatus, now});
    out.ok = r.verified;
    if (!r.verified) out.error = String((r.error && (r.error.errors?.[0]?.message || r.error.message)) || 'not verified');
    if (r.verified) {
      for (const e of input.credential.credentialStatus || []) {
        const list = await getJSON(e.statusListCredential);
        const lr = await vc.verifyCredential({credential: list, suite, documentLoader, now});
        if (!lr.verified) throw new Error('status list credential does not verify: ' + (lr.error?.errors?.[0]?.message || lr.error?.message));
        if (list.credentialSubject.statusPurpose !== e.statusPurpose) throw new Error('status purpose mismatch');
        out[e.statusPurpose === 'revocation' ? 'revoked' : 'suspended'] =
          bitAt(list.credentialSubject.encodedList, parseInt(e.statusListIndex, 10));
      }
    }
  }
  if (input.jwt) {
    try {
      const jwks = jose.createLocalJWKSet(input.jwks);
      const {payload, protectedHeader} = await jose.compactVerify(input.jwt, jwks, {algorithms: ['EdDSA']});
      const cred = JSON.parse(new TextDecoder().decode(payload));
      out.jwtOk = protectedHeader.typ === 'vc+jwt' && !('proof' in cred) &&
        cred.type.includes('OpenBadgeCredential');
      out.jwtSubjectName = cred.credentialSubject?.name;
    } catch (e) {
      out.jwtOk = false;
      out.jwtError = String(e.message || e);
    }
  }
} catch (e) {
  out.ok = false;
  out.error = String(e.stack || e);
}
process.stdout.write(JSON.stringify(out));
