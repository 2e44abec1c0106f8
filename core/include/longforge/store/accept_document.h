#pragma once
// One rule for every way a document enters the pipeline — ingest's files, JSONL lines
// and stdin, and a document event that carries its text inline (e.g. sent with kcat):
// checked and normalised (PrepareDocument), given its id, and stored.

#include <cstddef>
#include <string>
#include <string_view>

#include "longforge/store/document_store.h"
#include "longforge/store/document_text.h"

namespace longforge::store {

inline constexpr std::size_t kMaxGivenIdBytes = 120;

// The store id of a submitter's own (non-empty) id. An id of at most kMaxGivenIdBytes
// made only of [A-Za-z0-9._-], not starting with '.', is kept as it is. Any other is
// made safe (other bytes become '_', a leading '.' too, cut to fit) and suffixed with a
// hash of the id as given, so two different given ids never become one document.
std::string DocumentIdFrom(std::string_view given_id);

// Checks and stores `raw` as one document; its id is the text's hash, or
// DocumentIdFrom(given_id) when one is given. Errors name `where`: every problem of
// PrepareDocument, a store failure (with its own disposition), and a given id that already names a
// different text in the store (the same text again is fine: ingest is idempotent).
Result<PreparedDocument> AcceptDocument(DocumentStore& store, std::string_view raw,
                                        const std::string& where, std::string_view given_id,
                                        std::size_t max_bytes);

}  // namespace longforge::store
