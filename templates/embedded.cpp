#include "templates/embedded.h"

namespace attnjit {

const char* find_template(std::string_view name) {
  for (const EmbeddedFile* f = kEmbeddedTemplates; f->name; ++f)
    if (name == f->name) return f->text;
  return nullptr;
}

} // namespace attnjit
