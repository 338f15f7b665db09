// libFuzzer target: any byte string fed to the GGUF reader either parses into a model whose
// offsets all lie inside the input, or throws f32patch::Error. Nothing else is acceptable:
// no crash, no other exception, no read out of bounds (ASan+UBSan are on in this build).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace f32patch;
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = std::byte{data[i]};
  try {
    const auto model = gguf::Model::parse(MappedFile::from_memory(std::move(bytes), "fuzz.gguf"));
    for (const auto& tensor : model.tensors()) {
      if (tensor.file_offset + tensor.byte_size > model.file_size()) std::abort();
    }
    const auto layers = gguf::map_layers(model);
    for (const auto& [layer, tensor] : layers.tensors) {
      if (tensor->type == gguf::TensorType::F32 && tensor->element_count > 0) (void)model.read_f32(*tensor);
    }
    for (const auto& entry : model.metadata()) {
      if (const auto* array = entry.value.as_array()) {
        if (array->element_type == gguf::ValueType::string) (void)model.array_strings(*array, 4);
        else if (array->count > 0) (void)model.array_float(*array, array->count - 1);
      }
    }
  } catch (const Error&) {
  }
  return 0;
}
