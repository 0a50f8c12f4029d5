// Jest (on Node 20) cannot require() ES modules, and NestJS 12 ships only ESM.
// This transformer compiles such dependencies to CommonJS for the test runtime;
// `import.meta.url` (used only to build a `createRequire`) becomes the file's own URL.
const ts = require('typescript');
const crypto = require('node:crypto');

module.exports = {
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha1')
      .update('esm-to-cjs-v2')
      .update(filename)
      .update(source)
      .digest('hex');
  },
  process(source, filename) {
    const patched = source
      // `const require = createRequire(import.meta.url)` is redundant in CommonJS (and would clash).
      .replace(/^const require = createRequire\(import\.meta\.url\);?$/m, '')
      .replace(/\bimport\.meta\.url\b/g, 'require("node:url").pathToFileURL(__filename).href');
    const out = ts.transpileModule(patched, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        allowJs: true,
        esModuleInterop: true,
        sourceMap: false,
      },
    });
    return { code: out.outputText };
  },
};
