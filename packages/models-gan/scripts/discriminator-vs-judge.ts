/**
 * Does a trained DCGAN's discriminator see what the judge sees? Draws the 2,000 samples that
 * `dcgan-mnist.ts` judges (latent seed 12345), scores each with the judge (its top class probability) and
 * with the GAN's discriminator (inference mode), and prints the discriminator's mean score on the samples
 * the judge is confident about (> 0.9), on the ambiguous ones (<= 0.9, and <= 0.6), and on 2,000 real test
 * digits; then the judge's confident share among the half of the samples the discriminator scores highest
 * and among the other half. Equal figures mean the discriminator gives the generator no push toward
 * unambiguous digits. With a class head (`dcgan({classes})`) it also prints the head's top probability on the
 * judge's confident and ambiguous samples and how often the head's class is the judge's.
 *
 *   node --conditions=@tensorfold/source --import tsx packages/models-gan/scripts/discriminator-vs-judge.ts \
 *     runs/judge runs/dcgan/gan
 */
import { initBackend } from '@tensorfold/backend';
import { fileSystem, loadModel, type Model, tf } from '@tensorfold/core/node';
import { loadMnist } from '@tensorfold/data/node';
import '@tensorfold/layers';
import '../src/index.js';
import type { GAN } from '../src/index.js';

await initBackend();
const judge = (await loadModel(fileSystem(process.argv[2]))) as Model;
const model = (await loadModel(fileSystem(process.argv[3]))) as GAN;
const z = tf.randomNormal([2000, model.latentDim], 0, 1, 'float32', 12345);
const x = model.generator.forward([z], { training: false })[0]; // [-1, 1]
const conf = tf.max(judge.forward([tf.div(tf.add(x, 1), 2)], { training: false })[0], 1).dataSync();
const d = model.discriminator.forward([x], { training: false })[0].dataSync();
const test = await loadMnist({ split: 'test', limit: 2000 });
const dReal = model.discriminator.forward([tf.sub(tf.mul(test.xs, 2), 1)], { training: false })[0].dataSync();
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const conf9 = [...d].filter((_, i) => conf[i] > 0.9);
const amb = [...d].filter((_, i) => conf[i] <= 0.9);
const low = [...d].filter((_, i) => conf[i] <= 0.6);
console.log(
  JSON.stringify({
    confidentShare: conf9.length / 2000,
    dConfident: mean(conf9),
    dAmbiguous: mean(amb),
    nLow: low.length,
    dLow: mean(low),
    dReal: mean([...dReal]),
  }),
);
// Rank: share confident among samples in the top half of D's scores vs bottom half.
const idx = [...d].map((v, i) => [v, conf[i]]).sort((a, b) => b[0] - a[0]);
const top = idx.slice(0, 1000).filter((p) => p[1] > 0.9).length / 1000;
const bottom = idx.slice(1000).filter((p) => p[1] > 0.9).length / 1000;
console.log(JSON.stringify({ confidentInTopHalfByD: top, confidentInBottomHalfByD: bottom }));
// A class head (dcgan({classes})): does its confidence follow the judge's, and do they name the same digit?
if (model.classes > 0) {
  const head = model.discriminator.forward([x], { training: false })[1]; // [2000, classes]
  const headTop = tf.max(head, 1).dataSync();
  const headClass = tf.argMax(head, 1).dataSync();
  const judgeClass = tf
    .argMax(judge.forward([tf.div(tf.add(x, 1), 2)], { training: false })[0], 1)
    .dataSync();
  const agree = [...headClass].filter((c, i) => c === judgeClass[i]).length / 2000;
  console.log(
    JSON.stringify({
      headOnConfident: mean([...headTop].filter((_, i) => conf[i] > 0.9)),
      headOnAmbiguous: mean([...headTop].filter((_, i) => conf[i] <= 0.9)),
      headAgreesWithJudge: agree,
    }),
  );
}
