// mock_host.mjs: a stand-in wasi-parallel host on node's WebAssembly, for
// testing the guests before the engine's host exists. It follows the
// contract's observable rules, not its performance:
//   seq: iterations in order; buffers alias guest memory (CPU rule).
//   cpu: iterations in reverse order (the contract allows any order, so a
//        guest or kernel that depends on order fails here); aliasing.
//   gpu: copy semantics: write_buffer snapshots, the kernel sees the data
//        only through exec, read_buffer copies out. A guest that forgets a
//        write_buffer or a read_buffer fails here.
// It checks lengths, handles and bounds with the contract's errnos, the
// kernel's parameter count, and that a kernel imports only a memory.
//
// Usage: node mock_host.mjs GUEST.wasm [guest args...]
// Fault injection, to show the guests' checks can fail:
//   MOCK_SKIP_ITERATION=1  every exec skips its iteration 0 (wrong results)
//   MOCK_EXEC_ERRNO=N      every parallel_exec returns errno N
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { createHash } from 'node:crypto';

const kErr = { success: 0, inval: 1, badHandle: 2, oob: 3, kernel: 4 };
const kKinds = { 0: 'seq', 1: 'cpu', 2: 'gpu', 3: 'gpu' };

function readLeb(bytes, pos) {
  let result = 0, shift = 0, b;
  do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [result, pos];
}
function writeLeb(value) {
  const out = [];
  do { let b = value & 0x7f; value = Math.floor(value / 128); if (value) b |= 0x80; out.push(b); } while (value);
  return out;
}

// The kernel declares a shared memory with a maximum; a wasi-libc guest's
// memory is neither. The contract lends the guest memory anyway; node
// cannot, so the import is rewritten to a plain memory with the same
// minimum. Returns null when the imports break the kernel rules.
function lendableKernel(bytes) {
  const out = Array.from(bytes.subarray(0, 8));
  let pos = 8, memories = 0, others = 0;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readLeb(bytes, pos + 1);
    const end = start + size;
    if (id !== 2) { out.push(...bytes.subarray(pos, end)); pos = end; continue; }
    let [count, p] = readLeb(bytes, start);
    const body = writeLeb(count);
    for (let i = 0; i < count; ++i) {
      const from = p;
      for (let name = 0; name < 2; ++name) { const [len, q] = readLeb(bytes, p); p = q + len; }
      const namesEnd = p;
      if (bytes[p++] !== 2) { others++; break; }
      memories++;
      const flags = bytes[p++];
      let min;
      [min, p] = readLeb(bytes, p);
      if (flags & 1) p = readLeb(bytes, p)[1];
      body.push(...bytes.subarray(from, namesEnd), 0x02, 0x00, ...writeLeb(min));
    }
    out.push(2, ...writeLeb(body.length), ...body);
    pos = end;
  }
  return memories === 1 && others === 0 ? new Uint8Array(out) : null;
}

class Host {
  constructor() {
    this.devices = new Map();  // handle -> kind name
    this.buffers = new Map();  // handle -> {device, size, access, ptr, copy}
    this.kernels = new Map();  // sha256 -> WebAssembly.Module
    this.nextHandle = 0x5a000001;  // opaque, not small
    this.execs = 0;
  }
  bind(instance) { this.instance = instance; }
  get mem() { return new Uint8Array(this.instance.exports.memory.buffer); }
  inBounds(ptr, len) { return ptr >= 0 && len >= 0 && ptr + len <= this.mem.length; }
  putU32(ptr, v) { new DataView(this.instance.exports.memory.buffer).setUint32(ptr, v, true); }
  getU32(ptr) { return new DataView(this.instance.exports.memory.buffer).getUint32(ptr, true); }

  get_device(hint, out) {
    if (!this.inBounds(out, 4)) return kErr.oob;
    const handle = this.nextHandle++;
    this.devices.set(handle, kKinds[hint] ?? 'cpu');
    this.putU32(out, handle);
    return kErr.success;
  }
  create_buffer(device, size, access, out) {
    if (!this.devices.has(device)) return kErr.badHandle;
    if (access > 2) return kErr.inval;
    if (!this.inBounds(out, 4)) return kErr.oob;
    const handle = this.nextHandle++;
    this.buffers.set(handle, { device, size, access, ptr: null, copy: null });
    this.putU32(out, handle);
    return kErr.success;
  }
  write_buffer(ptr, len, handle) {
    const b = this.buffers.get(handle);
    if (!b) return kErr.badHandle;
    if (len !== b.size) return kErr.inval;
    if (!this.inBounds(ptr, len)) return kErr.oob;
    b.ptr = ptr;
    if (this.devices.get(b.device) === 'gpu') b.copy = this.mem.slice(ptr, ptr + len);
    return kErr.success;
  }
  read_buffer(handle, ptr, len) {
    const b = this.buffers.get(handle);
    if (!b) return kErr.badHandle;
    if (len !== b.size) return kErr.inval;
    if (!this.inBounds(ptr, len)) return kErr.oob;
    if (b.ptr === null) return kErr.inval;
    const src = this.devices.get(b.device) === 'gpu' ? b.copy : this.mem.slice(b.ptr, b.ptr + len);
    this.mem.set(src, ptr);
    return kErr.success;
  }
  kernelModule(ptr, len) {
    const bytes = this.mem.slice(ptr, ptr + len);
    const key = createHash('sha256').update(bytes).digest('hex');
    if (!this.kernels.has(key)) {
      const lent = lendableKernel(bytes);
      let module = null;
      try { if (lent) module = new WebAssembly.Module(lent); } catch (e) { module = null; }
      this.kernels.set(key, module);
    }
    return this.kernels.get(key);
  }
  handles(ptr, count) {
    const out = [];
    for (let i = 0; i < count; ++i) out.push(this.getU32(ptr + 4 * i));
    return out;
  }
  parallel_exec(device, kptr, klen, n, bs, inPtr, inCount, outPtr, outCount) {
    const kind = this.devices.get(device);
    if (!kind) return kErr.badHandle;
    if (process.env.MOCK_EXEC_ERRNO) return Number(process.env.MOCK_EXEC_ERRNO);
    if (!this.inBounds(kptr, klen) || !this.inBounds(inPtr, 4 * inCount) ||
        !this.inBounds(outPtr, 4 * outCount)) return kErr.oob;
    const list = [...this.handles(inPtr, inCount), ...this.handles(outPtr, outCount)];
    const bufs = list.map((h) => this.buffers.get(h));
    if (bufs.some((b) => !b || b.device !== device)) return kErr.badHandle;
    if (bufs.some((b) => b.ptr === null)) return kErr.inval;
    const module = this.kernelModule(kptr, klen);
    if (!module) return kErr.kernel;
    const inst = new WebAssembly.Instance(module, { env: { memory: this.instance.exports.memory } });
    const kernel = inst.exports.kernel;
    if (typeof kernel !== 'function' || kernel.length !== 3 + 2 * list.length) return kErr.kernel;
    if (kind === 'gpu') for (const b of bufs) this.mem.set(b.copy, b.ptr);
    const args = bufs.flatMap((b) => [b.ptr, b.size]);
    const first = process.env.MOCK_SKIP_ITERATION ? 1 : 0;
    for (let k = first; k < n; ++k) kernel(kind === 'cpu' ? n - 1 - k : k, n, bs, ...args);
    if (kind === 'gpu') for (const b of bufs) b.copy = this.mem.slice(b.ptr, b.ptr + b.size);
    this.execs++;
    return kErr.success;
  }
  imports() {
    const names = ['get_device', 'create_buffer', 'write_buffer', 'read_buffer', 'parallel_exec'];
    const out = Object.fromEntries(names.map((f) => [f, (...a) => this[f](...a.map((x) => x >>> 0))]));
    out.parallel_for = () => kErr.inval;
    return out;
  }
}

const [guestPath, ...guestArgs] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [guestPath, ...guestArgs], env: {}, returnOnExit: true });
const host = new Host();
const module = new WebAssembly.Module(readFileSync(guestPath));
const instance = new WebAssembly.Instance(module, {
  wasi_snapshot_preview1: wasi.wasiImport,
  wasi_ephemeral_parallel: host.imports(),
});
host.bind(instance);
const status = wasi.start(instance);
console.log(`mock host: ${host.execs} parallel_exec calls, exit ${status}`);
process.exitCode = status;
