// Commands that write (apply, restore) take several files; two names of one file (a hard link,
// a symlink, the same path twice, as `apply *.gguf` meets them) would patch it twice. The guard
// lets the first name through and skips the others with a warning: the file is handled, once.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>

#include "diagnostics.hpp"

namespace f32patch::cli {

class SameFileGuard {
 public:
  // False, with a warning, when `path` names a file an earlier call was given.
  bool admit(const std::string& path, const GlobalOptions& global) {
    for (const std::string& earlier : m_seen) {
      if (same_file(path, earlier)) {
        report_warning(global, diagnostic_name(path),
                       fmt::format("is the same file as {} (given twice, or a link to it); skipped, it is handled once",
                                   diagnostic_name(earlier)));
        return false;
      }
    }
    m_seen.push_back(path);
    return true;
  }

 private:
  std::vector<std::string> m_seen;
};

}  // namespace f32patch::cli
