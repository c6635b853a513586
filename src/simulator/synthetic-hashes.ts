import type { BlobInfo } from './blobs.js';

/**
 * Precomputed hashes of the big synthetic images of the scenarios (`seed\0size` → hashes), so a
 * sandbox starts without hashing a gigabyte. A unit test recomputes every entry, so the table
 * cannot drift from the generator; a missing entry is simply computed at first use.
 */
export const knownSyntheticHashes: Readonly<Record<string, BlobInfo>> = {
  'image:cirros-0.6.2-x86_64-disk\u000016338944': { size: 16338944, md5: '4e3474b714e4569b8a7e627a849fb85a', sha512: 'd0084f74770fe1ccda665e0702e81c65f55cdae1f7a2d5708a39a1e85e693bc7a9ce234d28d5b26ec478708d92998ada1a136f3e165d8c6b1bd1a7dfba72a938' },
  'image:ubuntu-22.04\u0000661127168': { size: 661127168, md5: '43bca0544d84cd63e1cb5a74e8f05fb0', sha512: 'dd3a04cb52b3423d5f7f2ce47fb7eeff7114de518f804c02e36b222145ede1882f82ed0f5f746a9cd41529645d4870ad106aebebbfa129ca9bfe1860ba313aca' },
  'image:finance-golden\u00001073741824': { size: 1073741824, md5: '3f27e253811a64b4fe138db22d0d3676', sha512: '59ab979ccf9118c8bdf51001b1e5afc6e45b49691a9e78ea9960c70b64284befe5b5a26d1aff8ed49966654267b07065bb5504c18ca7936eea133c84805859b4' },
  'image:ops-tools\u0000104857600': { size: 104857600, md5: 'bab03067b220359a4e2bef8cedf297b6', sha512: 'ffa3f9939cd6472603fa26c12f05d89cc6a88f2d9b6fa66570a6fb2effbd37a22f4ec7ef2fc48750171fb961a4ff25fa5972cc30b2f814803af422ec5bd11c62' },
};
