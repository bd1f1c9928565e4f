import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The spec files the guided text links to, served at spec/*.md in development and in the build. */
function specFiles(): Plugin {
  const dir = here('../spec');
  const names = readdirSync(dir).filter((f) => f.endsWith('.md'));
  return {
    name: 'ssn-spec-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/spec\/([\w-]+\.md)/.exec(req.url ?? '');
        if (m === null || !names.includes(m[1])) return next();
        res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
        res.end(readFileSync(`${dir}/${m[1]}`));
      });
    },
    generateBundle() {
      for (const name of names) {
        this.emitFile({
          type: 'asset',
          fileName: `spec/${name}`,
          source: readFileSync(`${dir}/${name}`),
        });
      }
    },
  };
}

/** The package's own entries, from source: the core and ssn-ts/gpu (the page's tests use them too). */
export const PACKAGE_ENTRIES = [
  { find: /^ssn-ts$/, replacement: here('../src/index.ts') },
  { find: /^ssn-ts\/gpu$/, replacement: here('../src/gpu.ts') },
];

const KERNEL_SAFE_MINIFY = { compress: false, mangle: false, codegen: { removeWhitespace: true } };

export default defineConfig({
  plugins: [specFiles()],
  root: here('.'),
  // Relative URLs: the built site works from any folder of any static file server.
  base: './',
  resolve: {
    alias: [
      ...PACKAGE_ENTRIES,
      // gpu.js's package "main" is its Node build (headless-gl, WebAssembly); the page needs
      // its browser build, already minified.
      { find: /^gpu\.js$/, replacement: here('../node_modules/gpu.js/dist/gpu-browser.min.js') },
    ],
  },
  worker: { format: 'es', rolldownOptions: { output: { minify: KERNEL_SAFE_MINIFY } } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // gpu.js compiles a kernel from its function's source text and understands only a subset
    // of JavaScript: a compressor's rewrites (comma expressions, `&&` for `if`) would break it.
    // Nor may names be mangled: a loop variable could take an argument's name. So whitespace only.
    minify: 'oxc',
    rolldownOptions: { output: { minify: KERNEL_SAFE_MINIFY } },
  },
});
