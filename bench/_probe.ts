import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
console.error('backends', Object.keys((tf.engine() as any).registryFactory));
setThreadsCount(1);
const ok = await tf.setBackend('wasm');
await tf.ready();
console.error('wasm ok', ok, tf.getBackend(), getThreadsCount(), tf.env().getBool('WASM_HAS_SIMD_SUPPORT'));
const a = tf.randomNormal([512,512]); const b = tf.randomNormal([512,512]);
for (let i=0;i<3;i++) tf.matMul(a,b).dataSync();
const t0=performance.now(); for (let i=0;i<10;i++){ const c=tf.matMul(a,b); c.dataSync(); c.dispose(); }
console.error('gflops', 2*512**3/((performance.now()-t0)/10/1000)/1e9);
