#pragma once
// A document store in a TempDir, for tests of code that reads or writes one.

#include <memory>
#include <stdexcept>

#include "longforge/store/document_store.h"
#include "support/temp_dir.h"

namespace longforge {

// Opens a store at `dir`/store; throws (failing the test) if it cannot.
inline std::unique_ptr<store::DocumentStore> OpenTempStore(const TempDir& dir) {
  auto s = store::DocumentStore::Open(dir / "store");
  if (!s.ok()) throw std::runtime_error(s.error().message);
  return std::move(s.value());
}

}  // namespace longforge
