import { iouDistance } from '../metrics/iouDistance.js';
import type { SyntheticDataset } from './syntheticLesions.js';

/** Summary statistics of a data set's annotations (see spec/synthetic-data.md#statistics). */
export interface AnnotationStats {
  images: number;
  /** Images holding no lesion. */
  lesionFreeImageFraction: number;
  /** Empty maps among all image × annotator maps. */
  emptyAnnotationFraction: number;
  /** Images whose annotators all drew nothing (DSC is NaN against every one). */
  allEmptyImageFraction: number;
  /** Images where some but not all annotators drew nothing (DSC_nod differs from DSC). */
  mixedEmptyImageFraction: number;
  /** Mean over images of the mean 1 − IoU over distinct annotator pairs a < b. */
  meanPairwiseIouDistance: number;
  /** The same mean restricted to images with at least one non-empty annotation. */
  meanPairwiseIouDistanceAnnotated: number;
  /**
   * Annotator diversity as the paper's E[d(y, y′)]: a mean over all A² pairs including a = b
   * (the V-statistic, spec/official-code.md#metrics), averaged over images. Equals (A−1)/A times the
   * distinct-pair mean.
   */
  annotatorDiversity: number;
  /** Fraction of lesion pixels per annotator (a generous annotator draws more). */
  foregroundFractionByAnnotator: number[];
}

/**
 * Statistics of who drew what: empty-map fractions and annotator disagreement as IoU distance.
 * @throws RangeError when the data set has no images or fewer than 2 annotators
 */
export function annotationStats(dataset: SyntheticDataset): AnnotationStats {
  const n = dataset.images.length;
  const k = dataset.annotators;
  if (n === 0) throw new RangeError('dataset: has no images');
  if (k < 2) throw new RangeError(`dataset: needs at least 2 annotators to compare, has ${k}`);
  let lesionFree = 0;
  let emptyMaps = 0;
  let allEmpty = 0;
  let mixed = 0;
  let pairSum = 0;
  let pairSumAnnotated = 0;
  let annotatedImages = 0;
  const fg = new Array<number>(k).fill(0);
  const pixels = dataset.height * dataset.width;
  for (let i = 0; i < n; i++) {
    if (dataset.meta[i].lesions.length === 0) lesionFree++;
    const maps = dataset.annotations[i];
    let empties = 0;
    maps.forEach((m, a) => {
      let s = 0;
      for (let p = 0; p < m.length; p++) s += m[p];
      fg[a] += s / pixels;
      if (s === 0) empties++;
    });
    emptyMaps += empties;
    if (empties === k) allEmpty++;
    else if (empties > 0) mixed++;
    let d = 0;
    for (let a = 0; a < k; a++)
      for (let b = a + 1; b < k; b++) d += iouDistance(maps[a], maps[b], { classes: 2 });
    const meanD = d / ((k * (k - 1)) / 2);
    pairSum += meanD;
    if (empties < k) {
      pairSumAnnotated += meanD;
      annotatedImages++;
    }
  }
  const distinct = pairSum / n;
  return {
    images: n,
    lesionFreeImageFraction: lesionFree / n,
    emptyAnnotationFraction: emptyMaps / (n * k),
    allEmptyImageFraction: allEmpty / n,
    mixedEmptyImageFraction: mixed / n,
    meanPairwiseIouDistance: distinct,
    meanPairwiseIouDistanceAnnotated: annotatedImages > 0 ? pairSumAnnotated / annotatedImages : 0,
    annotatorDiversity: (distinct * (k - 1)) / k,
    foregroundFractionByAnnotator: fg.map((s) => s / n),
  };
}
