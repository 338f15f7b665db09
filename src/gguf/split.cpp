#include <f32patch/gguf/split.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>

namespace f32patch::gguf {

namespace {

struct SplitKey {
  std::string_view key;
  ValueType type;  // the type llama.cpp reads it as
};

constexpr std::array<SplitKey, 3> k_split_keys{{
    {"split.no", ValueType::uint16},
    {"split.count", ValueType::uint16},
    {"split.tensors.count", ValueType::int32},
}};

// The value of one split key, checking its type; problems are appended.
std::optional<std::uint64_t> read_split_key(const Model& model, const SplitKey& spec,
                                            std::vector<std::string>& problems) {
  const Value* value = model.find(spec.key);
  if (value == nullptr) return std::nullopt;
  if (value->type != spec.type) {
    problems.push_back(fmt::format("{} has type {}, expected {} (llama.cpp reads it as {} and refuses other types)",
                                   spec.key, value_type_name(value->type), value_type_name(spec.type),
                                   value_type_name(spec.type)));
  }
  if (const auto u = value->as_uint()) return u;
  // A negative integer; any other type is already explained by the type problem above.
  if (const auto i = value->as_int()) problems.push_back(fmt::format("{} is {}, expected 0 or more", spec.key, *i));
  return std::nullopt;
}

// The shard number and count a name "<prefix>-NNNNN-of-MMMMM.gguf" carries, and the prefix.
struct NamedShard {
  std::string_view prefix;
  std::uint64_t number = 0;  // 1-based, as in the name
  std::uint64_t count = 0;
};

std::optional<NamedShard> parse_shard_name(std::string_view name) {
  constexpr std::string_view ext = ".gguf";
  // -NNNNN-of-MMMMM.gguf: at least 5 digits each (%05d), more when the number needs them.
  if (!name.ends_with(ext)) return std::nullopt;
  name.remove_suffix(ext.size());
  auto take_digits_back = [](std::string_view& s) -> std::optional<std::uint64_t> {
    std::size_t n = 0;
    while (n < s.size() && s[s.size() - 1 - n] >= '0' && s[s.size() - 1 - n] <= '9') ++n;
    if (n < 5) return std::nullopt;
    std::uint64_t value = 0;
    const auto digits = s.substr(s.size() - n);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    s.remove_suffix(n);
    return value;
  };
  const auto count = take_digits_back(name);
  if (!count || !name.ends_with("-of-")) return std::nullopt;
  name.remove_suffix(4);
  const auto number = take_digits_back(name);
  if (!number || !name.ends_with('-')) return std::nullopt;
  name.remove_suffix(1);
  return NamedShard{name, *number, *count};
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<SplitInfo> split_info(const Model& model) {
  const bool any = std::any_of(k_split_keys.begin(), k_split_keys.end(),
                               [&](const SplitKey& k) { return model.find(k.key) != nullptr; });
  if (!any) return std::nullopt;

  SplitInfo info;
  info.no = read_split_key(model, k_split_keys[0], info.problems);
  info.count = read_split_key(model, k_split_keys[1], info.problems);
  info.tensors_count = read_split_key(model, k_split_keys[2], info.problems);

  for (const SplitKey& k : k_split_keys) {
    if (model.find(k.key) == nullptr) {
      info.problems.push_back(fmt::format("{} is missing (gguf-split writes split.no, split.count and "
                                          "split.tensors.count in every shard)", k.key));
    }
  }
  if (info.count && *info.count == 0) {
    info.problems.push_back("split.count is 0, expected 1 or more");
  } else if (info.no && info.count && *info.no >= *info.count) {
    info.problems.push_back(fmt::format("split.no is {}, but split.count is {}: shards are numbered 0 to {}",
                                        *info.no, *info.count, *info.count - 1));
  }
  const std::uint64_t own = model.tensors().size();
  if (info.tensors_count && *info.tensors_count < own) {
    info.problems.push_back(fmt::format("split.tensors.count is {}, but this shard alone has {} tensors",
                                        *info.tensors_count, own));
  }

  if (info.consistent()) {
    const std::uint64_t number = *info.no + 1;
    const std::string_view name = base_name(model.path());
    if (const auto named = parse_shard_name(name)) {
      info.expected_file_name = fmt::format("{}-{:05}-of-{:05}.gguf", named->prefix, number, *info.count);
      if (named->number != number || named->count != *info.count) {
        info.problems.push_back(fmt::format(
            "the file name says shard {} of {}, but split.no and split.count say shard {} of {} ({}); "
            "llama.cpp finds the shards by name",
            named->number, named->count, number, *info.count, display_text(info.expected_file_name)));
      }
    } else if (*info.count > 1) {
      info.problems.push_back(fmt::format("the file name does not end in -{:05}-of-{:05}.gguf, the suffix "
                                          "llama.cpp finds the other shards by",
                                          number, *info.count));
    }
  }
  return info;
}

}  // namespace f32patch::gguf
