// The one temporary artefact a command may be writing at a time (a multi-GB copy for --output
// or --backup-mode full): while it is armed, SIGINT, SIGTERM and SIGHUP remove it and then end
// the process with the signal's usual status (130, 143, 129), so Ctrl-C never leaves a hidden
// copy of the model behind. A signal the process ignores (nohup) stays ignored. A `kill -9` cannot be caught; its leftover has a hidden
// ".NAME.tmp.XXXXXX" name beside the destination.
#pragma once

#include <string>

namespace f32patch {

class TemporaryArtefact {
 public:
  explicit TemporaryArtefact(const std::string& path);
  TemporaryArtefact(const TemporaryArtefact&) = delete;
  TemporaryArtefact& operator=(const TemporaryArtefact&) = delete;
  // Disarms the handlers; does not remove the file (the owner decides).
  ~TemporaryArtefact();
};

}  // namespace f32patch
