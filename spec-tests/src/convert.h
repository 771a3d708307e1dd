// Converting .wast scripts to wast2json's JSON + .wasm form, once: a script is
// converted again only when its JSON is missing or older than the .wast.
#pragma once
#include <filesystem>
#include <string>

#include "wpvm/result.h"

namespace wpvm::spec {

// Converts `wast` into `out_dir` (created), returning the JSON's path. The
// conversion happens in a private temporary folder that is renamed into place,
// so parallel runners never see a half-written script.
Result<std::filesystem::path> convert_wast(const std::filesystem::path& wast2json,
                                           const std::filesystem::path& wast,
                                           const std::filesystem::path& out_dir);

}  // namespace wpvm::spec
