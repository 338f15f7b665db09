#include <f32patch/verify/manifest.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/verify/check_file.hpp>

namespace f32patch::verify {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view next_field(std::string_view& rest) {
  while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  std::size_t n = 0;
  while (n < rest.size() && !is_blank(rest[n])) ++n;
  const std::string_view field = rest.substr(0, n);
  rest.remove_prefix(n);
  return field;
}

// Exact table names only (the CLI's aliases such as "sha-256" or "xxh3-64" are not manifest
// names). llama-gguf-hash's "xxh3" is XXH3-64, which is what the table's xxh3 row is.
std::optional<Algorithm> manifest_algorithm(std::string_view name) {
  for (const AlgorithmInfo& row : algorithms()) {
    if (row.name == name) return row.id;
  }
  return std::nullopt;
}

// Read-ahead hint for the data section of a mapping; advisory, failures are ignored.
void advise_sequential(std::span<const std::byte> bytes) {
  if (bytes.empty()) return;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(bytes.data()) & ~(page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(bytes.data() + bytes.size());
  ::madvise(reinterpret_cast<void*>(start), end - start, MADV_SEQUENTIAL);
}

}  // namespace

std::vector<TensorDigests> hash_tensors(const gguf::Model& model,
                                        std::span<const Algorithm> algorithms,
                                        const ProgressFn& progress) {
  const auto& tensors = model.tensors();
  std::vector<TensorDigests> result(tensors.size());
  std::uint64_t total = 0;
  for (const auto& tensor : tensors) total += tensor.byte_size;
  if (model.data_offset() < model.file_size()) {
    advise_sequential(model.bytes().subspan(static_cast<std::size_t>(model.data_offset())));
  }

  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::exception_ptr error;

  auto work = [&](bool report) {
    try {
      for (;;) {
        if (stop.load(std::memory_order_relaxed)) return;
        const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= tensors.size()) return;
        const auto& tensor = tensors[i];
        const auto bytes = model.bytes().subspan(static_cast<std::size_t>(tensor.file_offset),
                                                 static_cast<std::size_t>(tensor.byte_size));
        result[i] = {tensor.name, hash_bytes(bytes, algorithms)};
        const std::uint64_t now = done.fetch_add(tensor.byte_size) + tensor.byte_size;
        if (report && progress) progress(now, total);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };

  const unsigned helpers = std::max(1u, std::thread::hardware_concurrency()) - 1;
  std::vector<std::thread> threads;
  threads.reserve(helpers);
  try {
    for (unsigned i = 0; i < helpers && i + 1 < tensors.size(); ++i) threads.emplace_back(work, false);
  } catch (...) {
    stop = true;
    for (std::thread& t : threads) t.join();
    throw;
  }
  work(true);  // the calling thread works too, and reports progress
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  if (progress) progress(total, total);
  return result;
}

std::string base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string format_manifest_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                                 std::string_view tensor) {
  bool file_escaped = false;
  bool tensor_escaped = false;
  const std::string file_text = escape_file_name(file, file_escaped);
  const std::string tensor_text = escape_file_name(tensor, tensor_escaped);
  return fmt::format("{}{}  {}  {}:{}\n", file_escaped || tensor_escaped ? "\\" : "",
                     info(algorithm).name, hex, file_text, tensor_text);
}

std::string format_manifest(const std::vector<TensorDigests>& tensors, std::string_view file) {
  std::string out;
  for (const TensorDigests& tensor : tensors) {
    for (const NamedDigest& digest : tensor.digests) {
      out += format_manifest_line(digest.algorithm, digest.hex, file, tensor.tensor);
    }
  }
  return out;
}

Manifest parse_manifest(std::string_view text, const std::string& name) {
  Manifest manifest;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;

    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const bool escaped = line.front() == '\\';
    if (escaped) line.remove_prefix(1);

    auto malformed = [&](std::string_view why) {
      return Error(ErrorCode::invalid_gguf, name,
                   fmt::format("line {}: {}", line_number, why),
                   "expected '<algo>  <hex>  <file>:<tensor>' (docs/manifest-format.md)");
    };
    std::string_view rest = line;
    const std::string_view algo_text = next_field(rest);
    const std::string_view hex_text = next_field(rest);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    const bool hex_like = std::all_of(hex_text.begin(), hex_text.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
    });  // '-': llama-gguf-hash's uuid lines
    if (algo_text.empty() || hex_text.empty() || rest.empty() || !hex_like) {
      throw malformed("not a manifest line");
    }
    const auto algorithm = manifest_algorithm(algo_text);
    const std::size_t colon = rest.rfind(':');
    if (!algorithm || colon == std::string_view::npos) {
      ++manifest.skipped_lines;  // another tool's algorithm, or a whole-model line
      continue;
    }
    const auto hex = normalize_hex(*algorithm, hex_text);
    if (!hex) {
      throw malformed(fmt::format("'{}' is not a {}-digit {} digest", hex_text,
                                  info(*algorithm).hex_length(), info(*algorithm).name));
    }
    ManifestEntry entry;
    entry.algorithm = *algorithm;
    entry.hex = *hex;
    entry.file = std::string(rest.substr(0, colon));
    entry.tensor = std::string(rest.substr(colon + 1));
    entry.line = line_number;
    if (escaped) {
      auto file = unescape_file_name(entry.file);
      auto tensor = unescape_file_name(entry.tensor);
      if (!file || !tensor) throw malformed("bad backslash escape in the name");
      entry.file = std::move(*file);
      entry.tensor = std::move(*tensor);
    }
    manifest.entries.push_back(std::move(entry));
  }
  return manifest;
}

ManifestReport compare_manifest(const Manifest& manifest, const gguf::Model& model,
                                std::string_view file, const ProgressFn& progress) {
  ManifestReport report;
  const std::string wanted = base_name(file);

  std::set<std::string> files;
  for (const ManifestEntry& entry : manifest.entries) files.insert(base_name(entry.file));
  std::string matched;
  if (files.count(wanted) != 0) {
    matched = wanted;
  } else if (files.size() == 1) {
    matched = *files.begin();
    report.renamed = true;
  } else {
    std::string listed;
    for (const std::string& f : files) listed += (listed.empty() ? "" : ", ") + f;
    throw Error(ErrorCode::mismatch, std::string(file),
                files.empty() ? std::string("the manifest has no per-tensor entries")
                              : fmt::format("the manifest has no entries for '{}'", wanted),
                files.empty() ? std::string()
                              : fmt::format("it lists {}; check one of those files", listed));
  }
  report.matched_file = matched;

  // Entries per tensor, and the algorithms they need.
  std::unordered_map<std::string, std::vector<const ManifestEntry*>> by_tensor;
  std::vector<Algorithm> needed;
  for (const ManifestEntry& entry : manifest.entries) {
    if (base_name(entry.file) != matched) continue;
    by_tensor[entry.tensor].push_back(&entry);
    if (std::find(needed.begin(), needed.end(), entry.algorithm) == needed.end()) {
      needed.push_back(entry.algorithm);
    }
  }

  const std::vector<TensorDigests> digests = hash_tensors(model, needed, progress);
  std::set<std::string> seen;
  for (const TensorDigests& tensor : digests) {
    seen.insert(tensor.tensor);
    const auto it = by_tensor.find(tensor.tensor);
    if (it == by_tensor.end()) {
      report.problems.push_back({tensor.tensor, TensorStatus::extra, Algorithm::md5, {}, {}});
      continue;
    }
    ++report.tensors_checked;
    for (const ManifestEntry* entry : it->second) {
      const auto actual = std::find_if(tensor.digests.begin(), tensor.digests.end(),
                                       [&](const NamedDigest& d) { return d.algorithm == entry->algorithm; });
      if (actual->hex != entry->hex) {
        report.problems.push_back(
            {tensor.tensor, TensorStatus::differs, entry->algorithm, entry->hex, actual->hex});
        break;  // one line per tensor is enough
      }
    }
  }
  std::set<std::string> reported_missing;
  for (const ManifestEntry& entry : manifest.entries) {
    if (base_name(entry.file) != matched || seen.count(entry.tensor) != 0) continue;
    if (reported_missing.insert(entry.tensor).second) {
      report.problems.push_back({entry.tensor, TensorStatus::missing, entry.algorithm, entry.hex, {}});
    }
  }
  return report;
}

}  // namespace f32patch::verify
