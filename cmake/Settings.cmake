# Project-wide compile settings, as INTERFACE targets linked privately by our own targets only.

add_library(f32patch_settings INTERFACE)
target_compile_features(f32patch_settings INTERFACE cxx_std_20)
# Large-file offsets everywhere; NaN and -0.0 bit patterns must survive, so never -ffast-math.
target_compile_definitions(f32patch_settings INTERFACE _FILE_OFFSET_BITS=64
                           F32PATCH_VERSION="${PROJECT_VERSION}"
                           $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
target_compile_options(f32patch_settings INTERFACE -fno-fast-math)

set(_sanitizers "")
if(F32PATCH_ENABLE_ASAN)
  list(APPEND _sanitizers address)
endif()
if(F32PATCH_ENABLE_UBSAN)
  list(APPEND _sanitizers undefined)
endif()
if(_sanitizers)
  list(JOIN _sanitizers "," _sanitizer_list)
  target_compile_options(f32patch_settings INTERFACE -fsanitize=${_sanitizer_list}
                         -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(f32patch_settings INTERFACE -fsanitize=${_sanitizer_list})
endif()

add_library(f32patch_warnings INTERFACE)
target_compile_options(f32patch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  $<$<BOOL:${F32PATCH_WERROR}>:-Werror>)
