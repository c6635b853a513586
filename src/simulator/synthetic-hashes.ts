import type { BlobInfo } from './blob-content.js';

/**
 * Precomputed hashes of the big generated contents of the scenarios (blob-content.ts describe →
 * hashes), so a sandbox starts without hashing a gigabyte: the synthetic images, and the raw
 * images of `demo`'s db-data and ops-bfv-root (their written bytes, then zeros), which most
 * end-to-end tests upload. A unit test recomputes every entry, so the table cannot drift from the
 * generator; a missing entry is simply computed at first use (without blocking).
 */
export const knownSyntheticHashes: Readonly<Record<string, BlobInfo>> = {
  'image:cirros-0.6.2-x86_64-disk\u000016338944\u0000514649fb00000003000000000000000000000000000000100000000006d13000': { size: 16338944, md5: 'ffa9d6341f5bf223fea7bc8eefcd11e6', sha512: '9d69c7292f32599423a61e3451f6aedc3baf2d058f99cf1cc91dd21ffc08a3df5fe4bdc3c092e64c5f15951a708fa17fb437d384022114863db3b27116b09073' },
  'image:ubuntu-22.04\u0000661127168\u0000514649fb00000003000000000000000000000000000000100000000113d80000': { size: 661127168, md5: '10b7ff3c3332660b8a5b88ff3bfd5935', sha512: '32ef1de33e82ad1f8e4c54fae0358547c8bc535c0abc2782a3c35a262e0a4637c60e29da3ce0ba2dd7d1fa920aca34b68b733e72baae3e19ec9e1c0ad8beb197' },
  'image:finance-golden\u00001073741824\u0000514649fb000000030000000000000000000000000000001000000001c0000000': { size: 1073741824, md5: '1115b0cf236713b5724a9edf615b945d', sha512: '926e56c9e2d291ee4ee4f5d2df0a782bd461756e652b8939690e27fd381b6a8ab7554671ce225a587e5b26ad4be6692ec791e305a3f25cd814052b312c2b72e2' },
  'image:ops-tools\u0000104857600': { size: 104857600, md5: 'bab03067b220359a4e2bef8cedf297b6', sha512: 'ffa3f9939cd6472603fa26c12f05d89cc6a88f2d9b6fa66570a6fb2effbd37a22f4ec7ef2fc48750171fb961a4ff25fa5972cc30b2f814803af422ec5bd11c62' },
  // demo's db-data and ops-bfv-root uploaded to raw images (os-volume_upload_image).
  'padded\u00002147483648\u0000volume:630a33b5-a646-4022-bcc1-bcc2795d78bf\u00001048576': { size: 2147483648, md5: 'aa93e94f7b69e7f24de362e986afa240', sha512: 'fdb33dd1dcbc301ab00e591451f320e002bb81e9d3f1dd2fcd08ef1fcc3ab99943728e198948d5970a912710afe5a67796d080db2b128bc954126c788b33e0fa' },
  'padded\u00001073741824\u0000image:cirros-0.6.2-x86_64-disk\u000016338944\u0000514649fb00000003000000000000000000000000000000100000000006d13000': { size: 1073741824, md5: '3153b193580be13399ab11951e34b3ef', sha512: '56dd488a1990c9a5231b73077e50e6765085b90fd8b8344864e8314f55987efca6e48604a82d9b7bad26e639631d2817778c6a04aefdacded06ec037e5a0f88b' },
};
