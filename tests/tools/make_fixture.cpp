// f32patch-fixture: writes a Gemma 4 shaped GGUF fixture (tests/support/gemma4_fixture.hpp).
//
//   f32patch-fixture OUT.gguf [--shape 31b|small] [--big-endian] [--gguf-version 2|3]
//                             [--seed N] [--blocks N] [--scale LAYER=VALUE ...]
//
// Prints nothing on success; errors go to stderr with a non-zero exit status.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "support/gemma4_fixture.hpp"

namespace {

using f32patch::testing::Gemma4Shape;

struct Options {
  std::string output;
  std::string shape = "small";
  bool big_endian = false;
  std::uint32_t version = 3;
  std::uint32_t seed = 1;
  std::uint32_t blocks = 0;  // 0: the shape's own
  std::vector<std::string> scales;
};

// Parses "LAYER=VALUE" into a layer index below `blocks` and a float.
std::pair<std::uint32_t, float> parse_scale(const std::string& text, std::uint32_t blocks) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw std::invalid_argument("--scale '" + text + "': expected LAYER=VALUE");
  }
  const std::string layer_text = text.substr(0, eq);
  const std::string value_text = text.substr(eq + 1);

  if (layer_text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("--scale '" + text + "': layer must be a decimal number");
  }
  errno = 0;
  const unsigned long long layer = std::strtoull(layer_text.c_str(), nullptr, 10);
  if (errno != 0 || layer >= blocks) {
    throw std::invalid_argument("--scale '" + text + "': layer must be below the block count " +
                                std::to_string(blocks));
  }

  char* end = nullptr;
  errno = 0;
  const float value = std::strtof(value_text.c_str(), &end);
  if (end == value_text.c_str() || *end != '\0' || errno == ERANGE) {
    throw std::invalid_argument("--scale '" + text + "': value is not a float");
  }
  return {static_cast<std::uint32_t>(layer), value};
}

Gemma4Shape make_shape(const Options& o) {
  Gemma4Shape shape =
      o.shape == "31b" ? f32patch::testing::gemma4_31b() : f32patch::testing::gemma4_small();
  if (o.blocks != 0) shape.blocks = o.blocks;
  shape.order = o.big_endian ? f32patch::ByteOrder::big : f32patch::ByteOrder::little;
  shape.version = o.version;
  shape.seed = o.seed;
  if (!o.scales.empty()) {
    shape.layer_scales.resize(shape.blocks);
    for (std::uint32_t i = 0; i < shape.blocks; ++i) {
      shape.layer_scales[i] = f32patch::testing::default_layer_scale(i);
    }
    for (const std::string& s : o.scales) {
      const auto [layer, value] = parse_scale(s, shape.blocks);
      shape.layer_scales[layer] = value;
    }
  }
  return shape;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes a Gemma 4 shaped GGUF fixture for f32patch tests and demos.",
               "f32patch-fixture"};
  Options o;
  app.add_option("output", o.output, "The GGUF file to write")->required();
  app.add_option("--shape", o.shape,
                 "small: tiny dimensions, data in every tensor (~9 MB); 31b: the Gemma 4 31B "
                 "IQ1_M header, sparse file of ~7.7 GB with only F32 data written")
      ->check(CLI::IsMember({"31b", "small"}))
      ->capture_default_str();
  app.add_flag("--big-endian", o.big_endian, "Write every number big-endian (the magic stays GGUF)");
  app.add_option("--gguf-version", o.version, "GGUF version field")
      ->check(CLI::IsMember({2u, 3u}))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the synthetic tokens, merges and tensor data")
      ->capture_default_str();
  app.add_option("--blocks", o.blocks, "Number of blocks (default: the shape's 60)")
      ->check(CLI::Range(1u, 100000u));
  app.add_option("--scale", o.scales,
                 "Value of blk.LAYER.layer_output_scale.weight, as LAYER=VALUE; repeatable "
                 "(other layers keep their default values)")
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    f32patch::testing::gemma4_builder(make_shape(o)).write(o.output);
  } catch (const std::exception& e) {
    std::cerr << "f32patch-fixture: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
