// The CUDA template headers, embedded into the library at build time.
#pragma once

#include <string_view>

namespace attnjit {

struct EmbeddedFile {
  const char* name; // file name, e.g. "fwd_sm80.cuh"
  const char* text;
};

// All embedded templates, ended by {nullptr, nullptr}.
extern const EmbeddedFile kEmbeddedTemplates[];
// SHA-256 (hex) over every template's name and text: part of every module cache key.
extern const char kEmbeddedTemplatesHash[];

// The text of one template, or nullptr when there is no such file.
const char* find_template(std::string_view name);

} // namespace attnjit
