// Commands that write (apply, restore) take several files; two names of one file (a hard link,
// a symlink, the same path twice) would patch it twice, each name with its own journal. The
// guard refuses every name after the first.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>

namespace f32patch::cli {

class SameFileGuard {
 public:
  // Throws Error{usage} when `path` names a file an earlier call was given.
  void admit(const std::string& path) {
    for (const std::string& earlier : m_seen) {
      if (same_file(path, earlier)) {
        throw Error(ErrorCode::usage, path,
                    fmt::format("is the same file as {} (given twice, or a link to it); it is handled once", earlier));
      }
    }
    m_seen.push_back(path);
  }

 private:
  std::vector<std::string> m_seen;
};

}  // namespace f32patch::cli
