// The plain driver of a fuzz harness: the harness's entry point
// (LLVMFuzzerTestOneInput) linked with this main() instead of libFuzzer's, in
// the normal build.
//
//   fuzz-replay-HARNESS [--mutate SEED --runs N --max-seconds S] FILE-OR-FOLDER...
//
// Every argument is an input file or a folder whose files (sorted by name,
// recursively) are inputs; each is run once. With --mutate, N more runs
// follow, each on an input changed by a few random edits (bit flips,
// interesting values, inserted, erased, repeated or spliced bytes) drawn
// from a generator seeded with SEED: the same seed gives the same inputs, so
// a pass is repeatable (it stops early, saying so, after S seconds). Before
// each mutated run the input is written to `fuzz-HARNESS-current` in the
// working folder and removed at the end, so a crash leaves it behind to
// replay. A harness finds a bug by crashing or aborting, so reaching the end
// means every input held. A folder without any file is an error: the test
// would prove nothing.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

constexpr size_t kMaxMutatedSize = 1 << 16;

// A few random edits of `in`, `other` a second input to splice from.
Bytes mutate(const Bytes& in, const Bytes& other, std::mt19937_64& rng) {
  static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x0b, 0x10, 0x20, 0x60};
  Bytes b = in;
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  size_t edits = 1 + pick(4);
  for (size_t e = 0; e < edits; ++e) {
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!b.empty()) b[pick(b.size())] ^= static_cast<uint8_t>(1u << pick(8));
        break;
      case 1:  // an interesting value
        if (!b.empty()) b[pick(b.size())] = kInteresting[pick(sizeof kInteresting)];
        break;
      case 2:  // a random byte
        if (!b.empty()) b[pick(b.size())] = static_cast<uint8_t>(rng());
        break;
      case 3:  // insert bytes
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), 1 + pick(4), static_cast<uint8_t>(rng()));
        break;
      case 4: {  // erase a run
        if (b.empty()) break;
        size_t at = pick(b.size()), n = 1 + pick(std::min<size_t>(16, b.size() - at));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 5: {  // repeat a run
        if (b.empty()) break;
        size_t at = pick(b.size()), n = 1 + pick(std::min<size_t>(32, b.size() - at));
        Bytes run(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), run.begin(), run.end());
        break;
      }
      default: {  // splice: a run of the other input over ours
        if (other.empty() || b.empty()) break;
        size_t from = pick(other.size()), n = 1 + pick(std::min<size_t>(64, other.size() - from));
        size_t to = pick(b.size());
        if (to + n > b.size()) b.resize(to + n);
        std::copy_n(other.begin() + static_cast<std::ptrdiff_t>(from), n, b.begin() + static_cast<std::ptrdiff_t>(to));
        break;
      }
    }
  }
  if (b.size() > kMaxMutatedSize) b.resize(kMaxMutatedSize);
  return b;
}

bool read_file(const fs::path& p, Bytes& bytes) {
  std::ifstream in(p, std::ios::binary);
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return in.good() || in.eof();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  std::optional<uint64_t> seed;
  uint64_t runs = 0;
  double max_seconds = 1e9;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--mutate" || a == "--runs" || a == "--max-seconds") && i + 1 < argc) {
      char* end = nullptr;
      const char* v = argv[++i];
      if (a == "--max-seconds") max_seconds = std::strtod(v, &end);
      else if (a == "--runs") runs = std::strtoull(v, &end, 10);
      else seed = std::strtoull(v, &end, 10);
      if (end == v || *end != '\0') {
        std::fprintf(stderr, "replay: %s wants a number, got '%s'\n", a.c_str(), v);
        return 1;
      }
      continue;
    }
    fs::path arg = a;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      size_t before = inputs.size();
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec))
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') inputs.push_back(entry.path());
      if (inputs.size() == before) {
        std::fprintf(stderr, "replay: no input files in %s\n", argv[i]);
        return 1;
      }
      std::sort(inputs.begin() + static_cast<std::ptrdiff_t>(before), inputs.end());
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: %s is neither a file nor a folder\n", argv[i]);
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [--mutate SEED --runs N --max-seconds S] FILE-OR-FOLDER...\n", argv[0]);
    return 1;
  }
  std::vector<Bytes> corpus;
  for (const fs::path& p : inputs) {
    Bytes bytes;
    if (!read_file(p, bytes)) {
      std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
      return 1;
    }
    if (!seed) std::fprintf(stderr, "replay: %s (%zu bytes)\n", p.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    if (seed) corpus.push_back(std::move(bytes));
  }
  std::printf("%zu inputs replayed\n", inputs.size());
  if (!seed) return 0;

  std::string current = "fuzz-" + fs::path(argv[0]).filename().string() + "-current";
  std::mt19937_64 rng(*seed);
  auto start = std::chrono::steady_clock::now();
  uint64_t done = 0;
  for (; done < runs; ++done) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > max_seconds) break;
    const Bytes& base = corpus[rng() % corpus.size()];
    const Bytes& other = corpus[rng() % corpus.size()];
    Bytes input = mutate(base, other, rng);
    {
      std::ofstream out(current, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  fs::remove(current);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu mutated inputs (seed %llu) in %.1f s, %.0f/s%s\n", static_cast<unsigned long long>(done),
              static_cast<unsigned long long>(*seed), secs, secs > 0 ? done / secs : 0.0,
              done < runs ? ", stopped by --max-seconds" : "");
  return 0;
}
