// Runs a WASI preview1 command module under node's V8, for the benchmark:
//   node [--liftoff --no-wasm-tier-up | --no-liftoff] node_wasi.mjs MODULE.wasm ARGS...
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
