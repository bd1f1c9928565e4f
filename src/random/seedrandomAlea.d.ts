/**
 * The type of seedrandom's alea module (`seedrandom/lib/alea.js`, which `seedrandom.alea` is),
 * imported on its own so that a bundle of ssn-ts leaves seedrandom's other generators out.
 */
declare module 'seedrandom/lib/alea.js' {
  import type seedrandom from 'seedrandom';
  const alea: (seed?: string) => seedrandom.PRNG;
  export default alea;
}
