// node --test: the page crypto against known vectors (Go go-ethereum SignData output and ethers addresses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  addressOf, canonicalJSON, hasValidChecksum, keccak256Hex, randomPrivateKey, signedBytes, signRequest, toChecksumAddress,
} from './crypto.js';

const KEY = '0x420fcabfd5dbb55215490693062e6e530840c64de837d071f0d9da21aaac861e';
const ADDRESS = '0xd075aB490857256e6fc85d75d8315e7c9914e008';

test('address of the reference key', () => {
  assert.equal(addressOf(KEY), ADDRESS);
  assert.equal(addressOf(KEY.slice(2)), ADDRESS, 'without 0x');
  assert.equal(addressOf(KEY.toUpperCase().replace('0X', '0x')), ADDRESS, 'upper-case hex');
});

test('signature of {"task_id":1} at 1692446475', () => {
  assert.equal(
    signRequest(KEY, { task_id: 1 }, 1692446475),
    '0xdd78a14f5dcef6a57c5cfba8466baa1ac0ad2767e52eaf5a409895742e0475b4402acacaed2a2d7f158eac2f39849d653b45f207b0204858114cd38c415de5c700',
  );
});

test('signature of {"address":…} at 1700000000', () => {
  assert.equal(
    signRequest(KEY, { address: ADDRESS }, 1700000000),
    '0xa11786f36cc2d1c5a19ec9267df301d37d6c15f91030a4646f5f1ff6a880006b116b58253b266cf35c10f5e8e884a0dfe230605e01373e63bfa622b6c3e63b0200',
  );
});

// From tests/Crynux.Crypto.Tests/vectors/crypto-vectors.json "go_sign_data": the output of the upstream Go SignData (Go 1.19 encoding/json).
const GO_SIGN_DATA = [
  {
    timestamp: 1700000000,
    sign_string: '{"task_id_commitment":"0x6a19f0fb4be54511524bcd5b0c98b38da1ee049a39735c39311e10336024436f"}1700000000',
    keccak256: '0x4f4a19f2988541661549a32c1e9c35a1f583d0b1d225efca930f2abb2ca77025',
    signature: '0xb10b729335e008a8a0eeffdc483f8c12ec6aac215c2a27116ca119fafe92d7111a2ff74af621025c6823b7e0630f904a1a69060115c25e0e36c5e49a8b249f1601',
  },
  {
    timestamp: 1700000001,
    sign_string: '{"public_key":"0x4e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e47fd35c4215d1edf53e6f83de344615ce719bdb0fd878f6ed76f06dd277956de","task_id":"0x7d394c39576715fcdb7eaaf141c90cb0f6cd3fd2a55ac452d01650681eee60ba","task_id_commitments":["0xd0f631ca1ddba8db3bcfcb9e057cdc98d0379f1bee00e75a545147a27dadd982","0x9c0abe51c6e6655d81de2d044d4fb194931f058c0426c67c7285d8f5657ed64a","0x7c1c97df17c066924822b0af09a65251554962c61e23329aed04cd19020dc3b8"],"vrf_proof":"0x023e80b8ff45996eb74e146a742d5b10ddc3c30440a36c5f9b85df2ed07af459097ae0af2899f4eb1bc0638e5512231646df2ec9bd9ff437f4d559632d789adc1889a6c24044438f7738083ad68535cae7"}1700000001',
    keccak256: '0x98e8185e35666c20b473d3919ffbac71f4051f58ef96fa9af7df36f16843dcab',
    signature: '0x1f38a761befad68703f14a3a3ed37bb8f795b6cfa16eb7fcc0aa51b353fa4844313573501055fee694d51b800e7c687bff8c39c79163806863b1e16c6626b28801',
  },
  {
    timestamp: 1700000002,
    sign_string: '{"min_vram":8,"nonce":"0x78377b525757b494427f89014f97d79928f3938d14eb51e20fb5dec9834eb304","required_gpu":"NVIDIA GeForce RTX 4090","required_gpu_vram":24,"task_args":"{\\"prompt\\":\\"a \\u003ccat\\u003e \\u0026 \\\\\\"dog\\\\\\" é ☃\\",\\"seed\\":12345678901234567890,\\"x\\":1.50}","task_fee":"6000000000","task_id_commitment":"0x6a19f0fb4be54511524bcd5b0c98b38da1ee049a39735c39311e10336024436f","task_model_ids":["base:crynux-network/stable-diffusion-v1-5"],"task_size":1,"task_type":0,"task_version":"2.5.0","timeout":600}1700000002',
    keccak256: '0xb1562064d23a1057512d68c1d8174ede14159f8cbd52b40d8bd98aedf238fcaf',
    signature: '0x608dce18d7b409122347cad6b168b06413a38c7e4829e44c72da1e70d5c5ea7375157476b0be075e8d0ca5afdb0a6d5754cd4dcefc044780d2e55ebed6b1ae3f00',
  },
];
const GO_KEY = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

test('Go SignData vectors: canonical bytes, keccak256 and signature', () => {
  for (const v of GO_SIGN_DATA) {
    const json = v.sign_string.slice(0, -String(v.timestamp).length);
    // Shuffle the key order so that the sort is what makes the bytes match.
    const parsed = JSON.parse(json);
    const shuffled = Object.fromEntries(Object.entries(parsed).reverse());
    assert.equal(canonicalJSON(shuffled) + v.timestamp, v.sign_string);
    assert.equal(keccak256Hex(signedBytes(shuffled, v.timestamp)), v.keccak256);
    assert.equal(signRequest(GO_KEY, shuffled, v.timestamp), v.signature);
  }
});

test('canonical JSON escapes strings the Go way', () => {
  assert.equal(canonicalJSON({ b: 2, a: 'x' }), '{"a":"x","b":2}');
  assert.equal(canonicalJSON({ s: '<a>&\u2028\u2029' }), '{"s":"\\u003ca\\u003e\\u0026\\u2028\\u2029"}');
  assert.equal(canonicalJSON({ s: '\b\f\n\r\t\u0001"\\' }), '{"s":"\\u0008\\u000c\\n\\r\\t\\u0001\\"\\\\"}');
  assert.equal(canonicalJSON({ s: 'é☃😀' }), '{"s":"é☃😀"}');
  assert.equal(canonicalJSON({ s: '\ud800' }), '{"s":"\\ufffd"}');
  assert.equal(canonicalJSON({ o: { z: 1, y: [true, null] } }), '{"o":{"y":[true,null],"z":1}}');
  assert.throws(() => canonicalJSON({ x: 0.1 }), /integers/);
  assert.throws(() => canonicalJSON({ x: 2 ** 53 }), /integers/);
});

test('ethers addresses', () => {
  const cases = [
    ['0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318', '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23'],
    ['0x0000000000000000000000000000000000000000000000000000000000000001', '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf'],
    ['0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', '0x80C0dbf239224071c59dD8970ab9d542E3414aB2'],
    ['0x0000668cea850ce92521e2e38ea0c7c9d8463ef663845af1e444d1b0aec0cc74', '0x532EA518Ea2a6999b4B961364dDAC27AcBA4845F'],
  ];
  for (const [key, address] of cases) assert.equal(addressOf(key), address);
});

test('EIP-55 checksums (the EIP\'s own examples)', () => {
  for (const a of [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB', '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ]) {
    assert.equal(toChecksumAddress(a.toLowerCase()), a);
    assert.equal(toChecksumAddress(a.slice(2).toUpperCase()), a, 'no 0x, upper case');
    assert.equal(toChecksumAddress(`  ${a} `), a, 'surrounding spaces');
    assert.ok(hasValidChecksum(a));
  }
  assert.ok(hasValidChecksum(ADDRESS.toLowerCase()));
  assert.equal(hasValidChecksum('0xD075aB490857256e6fc85d75d8315e7c9914e008'), false, 'one letter in the wrong case');
  assert.throws(() => toChecksumAddress('0x1234'), /40 hex/);
  assert.throws(() => toChecksumAddress('0xg075aB490857256e6fc85d75d8315e7c9914e008'), /40 hex/);
});

test('bad input is refused with a readable message', () => {
  assert.throws(() => addressOf('0x1234'), /64 hex/);
  assert.throws(() => addressOf('0x' + '0'.repeat(64)), /out of range/);
  assert.throws(() => signRequest(KEY, {}, 0), /timestamp/);
  assert.throws(() => signRequest(KEY, {}, 1.5), /timestamp/);
});

test('random keys sign verifiable, low-S, v∈{0,1} signatures', () => {
  const n = secp256k1.Point.CURVE().n;
  for (let i = 0; i < 20; i++) {
    const key = randomPrivateKey();
    assert.match(key, /^0x[0-9a-f]{64}$/);
    const obj = { client_id: addressOf(key), role: 'chat' };
    const sig = hexToBytes(signRequest(key, obj, 1700000000).slice(2));
    assert.equal(sig.length, 65);
    assert.ok(sig[64] === 0 || sig[64] === 1);
    const s = BigInt('0x' + Buffer.from(sig.subarray(32, 64)).toString('hex'));
    assert.ok(s <= n / 2n, 'low S');
    const recovered = secp256k1.recoverPublicKey(
      Uint8Array.of(sig[64], ...sig.subarray(0, 64)), hexToBytes(keccak256Hex(signedBytes(obj, 1700000000)).slice(2)), { prehash: false },
    );
    assert.deepEqual(recovered, secp256k1.getPublicKey(hexToBytes(key.slice(2)), true));
  }
  assert.notEqual(randomPrivateKey(), randomPrivateKey());
});
