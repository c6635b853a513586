/** Glance v2: images and their members. */
export * as images from './images.js';
