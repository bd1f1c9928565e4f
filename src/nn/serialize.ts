/**
 * Saving and loading a trained SSN network's weights as JSON text, so a model trained by
 * `ssn train --save <file>` can be shipped (e.g. to the teaching page) and rebuilt exactly.
 *
 * The document (format 'ssn-ts-weights', version 1):
 *   { format, version, kind, classes, rank, inChannels, widths: { encoder, bottleneck, decoder },
 *     parameters: number[][]   (the arrays of `ssnParameters`, in its order),
 *     meta: { ... }            (free-form: the command that made the weights, its settings) }
 * Numbers are written by JSON.stringify, which round-trips every float64 exactly, so a loaded
 * network computes bit for bit what the saved one did.
 */
import { createRng } from '../random/rng.js';
import { HEAD_KINDS } from './heads.js';
import type { HeadKind } from './heads.js';
import { createSsnNetwork, ssnParameters } from './ssnNetwork.js';
import type { SsnNetwork } from './ssnNetwork.js';

/** The `format` field of a weights file written by `serializeWeights`. */
export const WEIGHTS_FORMAT = 'ssn-ts-weights';
/** The `version` field of a weights file; `parseWeights` refuses any other. */
export const WEIGHTS_VERSION = 1;

/** A loaded weights file: the network and the free-form metadata saved with it. */
export interface LoadedWeights {
  readonly network: SsnNetwork;
  readonly meta: Record<string, unknown>;
}

/**
 * The weights of `net` as JSON text.
 * @param meta - free-form metadata (e.g. `{ command: 'ssn train …' }`), saved as given
 * @example parseWeights(serializeWeights(net)).network // a network computing exactly what net does
 */
export function serializeWeights(net: SsnNetwork, meta: Record<string, unknown> = {}): string {
  const { body, heads } = net;
  return JSON.stringify({
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    kind: heads.kind,
    classes: heads.classes,
    rank: heads.rank,
    inChannels: body.inChannels,
    widths: { ...body.widths },
    parameters: ssnParameters(net).map((a) => Array.from(a)),
    meta,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInteger(name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number') throw new TypeError(`${name}: must be a number, got ${typeof v}`);
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`${name}: must be an integer ≥ ${min}, got ${v}`);
  }
  return v;
}

/**
 * Rebuilds a network from `serializeWeights` text (or its parsed object). Every field is checked
 * before use: the shapes come from the header, and each parameter array must have exactly the
 * length that shape needs and hold only finite numbers.
 * @throws TypeError naming the field when the text is not JSON or a field has the wrong kind
 * @throws RangeError naming the field when a value is wrong (unknown format or version, a bad
 *   kind, a count that is not a positive integer, a parameter array of the wrong length or with
 *   a non-finite entry)
 */
export function parseWeights(text: string | unknown): LoadedWeights {
  let doc: unknown = text;
  if (typeof text === 'string') {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new TypeError(`weights: not JSON (${(e as Error).message})`);
    }
  }
  if (!isRecord(doc)) throw new TypeError('weights: must be a JSON object');
  if (doc.format !== WEIGHTS_FORMAT) {
    throw new RangeError(
      `weights.format: expected ${JSON.stringify(WEIGHTS_FORMAT)}, got ${JSON.stringify(doc.format)}`,
    );
  }
  if (doc.version !== WEIGHTS_VERSION) {
    throw new RangeError(
      `weights.version: this library reads version ${WEIGHTS_VERSION}, got ${JSON.stringify(doc.version)}`,
    );
  }
  if (!HEAD_KINDS.includes(doc.kind as HeadKind)) {
    throw new RangeError(
      `weights.kind: must be one of ${HEAD_KINDS.join(', ')}, got ${JSON.stringify(doc.kind)}`,
    );
  }
  const kind = doc.kind as HeadKind;
  const classes = positiveInteger('weights.classes', doc.classes, 2);
  const rank = positiveInteger('weights.rank', doc.rank, kind === 'deterministic' ? 0 : 1);
  const inChannels = positiveInteger('weights.inChannels', doc.inChannels);
  if (!isRecord(doc.widths)) throw new TypeError('weights.widths: must be an object');
  const widths = {
    encoder: positiveInteger('weights.widths.encoder', doc.widths.encoder),
    bottleneck: positiveInteger('weights.widths.bottleneck', doc.widths.bottleneck),
    decoder: positiveInteger('weights.widths.decoder', doc.widths.decoder),
  };
  const meta = doc.meta === undefined ? {} : doc.meta;
  if (!isRecord(meta)) throw new TypeError('weights.meta: must be an object');
  // A network of the header's shape (its random initial values are all overwritten below).
  const network = createSsnNetwork(createRng(0), {
    kind,
    classes,
    inChannels,
    widths,
    ...(kind === 'lowrank' ? { rank } : {}),
  });
  if (network.heads.rank !== rank) {
    throw new RangeError(
      `weights.rank: a ${kind} head has rank ${network.heads.rank}, got ${rank}`,
    );
  }
  const targets = ssnParameters(network);
  const given = doc.parameters;
  if (!Array.isArray(given)) throw new TypeError('weights.parameters: must be an array of arrays');
  if (given.length !== targets.length) {
    throw new RangeError(
      `weights.parameters: has ${given.length} arrays, this network has ${targets.length}`,
    );
  }
  targets.forEach((target, j) => {
    const src: unknown = given[j];
    const name = `weights.parameters[${j}]`;
    if (!Array.isArray(src)) throw new TypeError(`${name}: must be an array of numbers`);
    if (src.length !== target.length) {
      throw new RangeError(
        `${name}: has ${src.length} numbers, this network needs ${target.length}`,
      );
    }
    for (let i = 0; i < src.length; i++) {
      const v: unknown = src[i];
      if (typeof v !== 'number')
        throw new TypeError(`${name}[${i}]: must be a number, got ${typeof v}`);
      if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}]: must be finite, got ${v}`);
      target[i] = v;
    }
  });
  return { network, meta };
}
