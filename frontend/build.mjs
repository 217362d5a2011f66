// Builds the embed page and the host script into src/dashlet/web/static/build/:
// minified, content-hashed names, a manifest the server reads (logical name -> file), and
// .br/.gz copies of each file so the server never compresses at request time.
//
//   embed-page.js   the page's entry (ES module); the error page loads it too
//   embed-page.css  its styles
//   chunk-*.js      code the entry shares with the ECharts renderer, a chunk it imports on demand
//   dashlet-embed.js  the host script (classic script, window.Dashlet)
//   admin-editor.js   the dashboard editor (admin pages); built with the page so that it shares
//   admin-editor.css  the page's card code and the chart chunk, which it also imports on demand

import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "src", "dashlet", "web", "static", "build");
const common = {
  bundle: true,
  minify: true,
  metafile: true,
  outdir,
  target: ["chrome100", "firefox100", "safari15.4"],
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning",
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const page = await build({
  ...common,
  entryPoints: { "embed-page": join(here, "src/page/main.ts"), "admin-editor": join(here, "src/editor/main.ts") },
  format: "esm",
  splitting: true,
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  assetNames: "[name]-[hash]",
});
const host = await build({
  ...common,
  entryPoints: { "dashlet-embed": join(here, "src/host/dashlet-embed.ts") },
  format: "iife",
  entryNames: "[name]-[hash]",
});

// files: logical name -> built file. imports: the chunks an entry imports at once (preloaded
// with it). lazy: the chunks it imports on demand (the chart renderer), preloaded when needed.
const manifest = { files: {}, imports: {}, lazy: {} };
for (const result of [page, host]) {
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const file = basename(path);
    if (!output.entryPoint || file.startsWith("chunk-")) continue; // a dynamic import is an entry too
    const logical = `${file.replace(/-[A-Z0-9]{8}\.js$/, "")}.js`;
    manifest.files[logical] = file;
    if (output.cssBundle) manifest.files[logical.replace(/\.js$/, ".css")] = basename(output.cssBundle);
    const chunks = (kind) => output.imports.filter((i) => i.kind === kind && !i.external).map((i) => basename(i.path));
    const now = chunks("import-statement");
    const later = chunks("dynamic-import").flatMap((chunk) => [chunk, ...staticClosure(result.metafile, chunk)]);
    manifest.imports[logical] = now;
    manifest.lazy[logical] = [...new Set(later)].filter((chunk) => !now.includes(chunk));
  }
}

/** The chunks a chunk imports statically, transitively (all must load before it runs). */
function staticClosure(metafile, chunk, seen = new Set()) {
  const output = Object.entries(metafile.outputs).find(([path]) => basename(path) === chunk)?.[1];
  for (const found of output?.imports ?? []) {
    const name = basename(found.path);
    if (found.kind === "import-statement" && !seen.has(name)) {
      seen.add(name);
      staticClosure(metafile, name, seen);
    }
  }
  return [...seen];
}

for (const wanted of ["embed-page.js", "embed-page.css", "dashlet-embed.js", "admin-editor.js", "admin-editor.css"]) {
  if (!manifest.files[wanted]) throw new Error(`The build made no ${wanted}: ${JSON.stringify(manifest)}`);
}
const built = Object.keys(page.metafile.outputs).concat(Object.keys(host.metafile.outputs)).map((path) => basename(path));

const rows = [];
for (const file of built) {
  const raw = readFileSync(join(outdir, file));
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const gz = gzipSync(raw, { level: 9 });
  writeFileSync(join(outdir, `${file}.br`), br);
  writeFileSync(join(outdir, `${file}.gz`), gz);
  rows.push({ file, raw: raw.length, gzip: gz.length, brotli: br.length });
}
writeFileSync(join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
// ECharts (Apache-2.0) and ZRender (BSD-3-Clause) ship inside the chunk: their licence and notices ship beside it.
const notices = ["echarts/LICENSE", "echarts/NOTICE", "zrender/LICENSE"]
  .map((path) => `==> ${path} <==\n${readFileSync(join(here, "node_modules", path), "utf8")}`)
  .join("\n");
writeFileSync(join(outdir, "THIRD-PARTY-NOTICES.txt"), notices);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const row of rows) {
  console.log(`${row.file.padEnd(28)} ${kb(row.raw).padStart(9)} raw ${kb(row.gzip).padStart(9)} gzip ${kb(row.brotli).padStart(9)} br`);
}
