/**
 * The one import of TensorFlow.js for the app's tensor code. tfjs-core alone registers no gradients
 * and no backend; the layers bundle registers every gradient (as the `@tensorflow/tfjs` package does)
 * and the cpu backend is the always-available fallback and the reference the other kernels are
 * tested against.
 */
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
