// Pieces shared by `hash` and `verify`: hashing a path or standard input with progress, reading
// a check file or manifest (or standard input), writing results to stdout, naming files in
// diagnostics the way coreutils does, and the note for a published digest.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/verify/algorithm.hpp>
#include <f32patch/verify/hasher.hpp>

namespace f32patch {
class Error;
}

namespace f32patch::cli {

struct GlobalOptions;

// "f32patch: note: <path>: <message>" on stderr, unless the verbosity is lowered. `path` is
// passed through diagnostic_name().
void report_note(const GlobalOptions& global, std::string_view path, std::string_view message);

// Hashes `path` ("-" is standard input) with a progress meter when `show_progress`.
verify::HashResult hash_path(const std::string& path, std::span<const verify::Algorithm> algorithms,
                             bool show_progress,
                             std::span<const verify::Substitution> substitutions = {});

// The whole text of a small input file ("-" is standard input). Throws Error{io} naming it, and
// Error{invalid_gguf} when it is larger than `limit` bytes (it is then not a check file).
std::string read_text_input(const std::string& path, std::size_t limit = std::size_t{256} << 20);

// When one of `result`'s digests is a published one, a note naming the release.
void note_published(const GlobalOptions& global, std::string_view path,
                    const verify::HashResult& result);

}  // namespace f32patch::cli

