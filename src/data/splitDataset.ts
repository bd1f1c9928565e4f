import { createRng, uniformInt } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';
import type { SyntheticDataset } from './syntheticLesions.js';

/** Sizes of the three parts of {@link splitDataset} (image counts). */
export interface SplitSizes {
  train: number;
  validation: number;
  test: number;
  /** When given, images are shuffled (Fisher–Yates with this seed) before splitting. */
  seed?: number | string;
}

/** The three parts; each holds the same arrays (not copies) as the input. */
export interface DatasetSplit {
  train: SyntheticDataset;
  validation: SyntheticDataset;
  test: SyntheticDataset;
  /** indices.train[k]: the input index of train image k (likewise for the others). */
  indices: { train: number[]; validation: number[]; test: number[] };
}

/**
 * Deterministic split into train / validation / test by image counts: the first `train` images
 * (in input order, or in a seeded shuffled order when `seed` is given), then `validation`, then
 * `test`; images beyond train + validation + test are left out.
 * @throws TypeError when a size is not an integer
 * @throws RangeError when a size is negative or the sizes sum above the count
 * @example splitDataset(makeSyntheticDataset({ seed: 1, count: 100 }), { train: 70, validation: 10, test: 20 })
 */
export function splitDataset(dataset: SyntheticDataset, sizes: SplitSizes): DatasetSplit {
  const n = dataset.images.length;
  for (const key of ['train', 'validation', 'test'] as const) {
    checkInteger(key, sizes[key], 0);
  }
  const total = sizes.train + sizes.validation + sizes.test;
  if (total > n) {
    throw new RangeError(`sizes: train + validation + test = ${total} exceeds the ${n} images`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (sizes.seed !== undefined) {
    const rng = createRng(`split/${String(sizes.seed)}`);
    for (let i = n - 1; i > 0; i--) {
      const j = uniformInt(rng, i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const indices = {
    train: order.slice(0, sizes.train),
    validation: order.slice(sizes.train, sizes.train + sizes.validation),
    test: order.slice(sizes.train + sizes.validation, total),
  };
  const pick = (idx: number[]): SyntheticDataset => ({
    height: dataset.height,
    width: dataset.width,
    annotators: dataset.annotators,
    images: idx.map((i) => dataset.images[i]),
    annotations: idx.map((i) => dataset.annotations[i]),
    meta: idx.map((i) => dataset.meta[i]),
  });
  return {
    train: pick(indices.train),
    validation: pick(indices.validation),
    test: pick(indices.test),
    indices,
  };
}
