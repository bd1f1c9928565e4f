import { checkFinite, checkInteger, checkLabels, checkLength } from '../util/validate.js';
import type { SyntheticDataset } from './syntheticLesions.js';

/**
 * Throws unless `data` is a usable labelled data set: H and W positive integers, at least one
 * image, every image H·W finite intensities, and every image at least one annotation of H·W
 * labels in [0, classes). Errors name the field, e.g.
 * `data.annotations[3][1]: length 100 does not match H·W = 16·16 (expected 256)`.
 * @param name - the data set's public name (`data`)
 * @throws TypeError for a field of the wrong kind or a non-integer label
 * @throws RangeError for an empty data set, an image without annotations, a wrong length, a
 *   non-finite intensity or a label outside [0, classes)
 */
export function checkDataset(name: string, data: SyntheticDataset, classes: number): void {
  const { height: H, width: W } = data;
  checkInteger(`${name}.height`, H, 1);
  checkInteger(`${name}.width`, W, 1);
  if (!Array.isArray(data.images)) throw new TypeError(`${name}.images: must be an array`);
  if (!Array.isArray(data.annotations)) {
    throw new TypeError(`${name}.annotations: must be an array`);
  }
  const n = data.images.length;
  if (n === 0) throw new RangeError(`${name}: holds no images`);
  if (data.annotations.length !== n) {
    throw new RangeError(
      `${name}.annotations: holds ${data.annotations.length} entries for ${n} images (one list per image expected)`,
    );
  }
  const shape = `H·W = ${H}·${W}`;
  for (let i = 0; i < n; i++) {
    const image = `${name}.images[${i}]`;
    checkLength(image, data.images[i], H * W, shape);
    checkFinite(image, data.images[i]);
    const list = data.annotations[i];
    if (!Array.isArray(list)) throw new TypeError(`${name}.annotations[${i}]: must be an array`);
    if (list.length === 0) {
      throw new RangeError(
        `${name}.annotations[${i}]: holds no annotation (every image needs at least one)`,
      );
    }
    list.forEach((labels, a) => {
      const field = `${name}.annotations[${i}][${a}]`;
      checkLength(field, labels, H * W, shape);
      checkLabels(field, labels, classes);
    });
  }
}
