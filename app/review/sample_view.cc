#include "review/sample_view.h"

#include <sys/stat.h>

#include <filesystem>

#include "longforge/common/utf8.h"
#include "review/sample_line.h"

namespace longforge::review {

using nlohmann::json;

namespace {

bool Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Document text [begin, end), cut to whole code points at both ends.
std::string Text(const store::DocumentStore& store, const std::string& key, uint64_t begin,
                 uint64_t end) {
  auto bytes = store.GetRange(key, begin, end);
  if (!bytes) return "";
  std::string_view text = *bytes;
  std::size_t skip = 0;
  while (skip < text.size() && skip < 4 && Continuation(text[skip])) ++skip;
  text.remove_prefix(skip);
  return ReplaceInvalidUtf8(text.substr(0, CodePointPrefix(text, text.size())));
}

json Evidence(const json& meta, const store::DocumentStore* store, uint64_t document_bytes) {
  json out = json::array();
  const json& spans = meta.contains("evidence") ? meta["evidence"] : json::array();
  const json& chapters = meta.contains("chapters") ? meta["chapters"] : json::array();
  const std::string key = store::DocumentStore::TextKey(meta.value("doc_id", ""));
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const json& span = spans[i];
    if (!span.is_array() || span.size() != 2 || !span[0].is_number_unsigned() ||
        !span[1].is_number_unsigned()) {
      continue;
    }
    const uint64_t begin = span[0], end = span[1];
    json e = {{"begin", begin},
              {"end", end},
              {"chapter", i < chapters.size() && chapters[i].is_string() ? chapters[i] : json("")}};
    if (store != nullptr && document_bytes > 0 && begin <= end && end <= document_bytes) {
      const uint64_t shown_end = std::min(end, begin + kMaxSpanBytes);
      e["before"] = Text(*store, key, begin > kAroundBytes ? begin - kAroundBytes : 0, begin);
      e["text"] = Text(*store, key, begin, shown_end);
      e["after"] = shown_end < end
                       ? ""
                       : Text(*store, key, end, std::min(document_bytes, end + kAroundBytes));
      e["truncated"] = shown_end < end;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

json DecisionJson(const DecisionRecord& r) {
  json j = {{"decision", ToString(r.decision)},
            {"reviewer", r.reviewer},
            {"time", r.time},
            {"reason", r.reason}};
  if (r.decision == HumanDecision::kEdit) j["answer"] = r.answer;
  return j;
}

Result<json> SampleView(const SampleIndex& index, std::size_t i, const store::DocumentStore* store,
                        const DecisionLog& log) {
  const IndexedSample& s = index.at(i);
  auto line = index.ReadLine(s);
  if (!line) return line.error();
  const std::string doc_id = index.Value(s, Facet::kDoc);
  uint64_t document_bytes = 0;
  if (store != nullptr && !doc_id.empty()) {
    struct stat st {};
    const std::string path = store->PathOf(store::DocumentStore::TextKey(doc_id));
    if (::stat(path.c_str(), &st) == 0) document_bytes = static_cast<uint64_t>(st.st_size);
  }
  simdjson::dom::parser parser;
  auto parsed = ParseSampleLine(parser, *line, [&](std::string_view) { return document_bytes; });
  const std::string where = index.files()[s.file].path + ":" + std::to_string(s.line);
  if (!parsed) return Error::Stop(where + ": no longer a sink record: " + parsed.error().message);
  json meta = json::parse(simdjson::to_string(parsed->meta), nullptr, false);
  if (!meta.is_object()) return Error::Stop(where + ": meta does not parse");
  json history = json::array();
  for (const auto& d : log.History(s.sample_id)) history.push_back(DecisionJson(d));
  return json{
      {"id", s.sample_id},
      {"index", i},
      {"file", std::filesystem::path(index.files()[s.file].path).filename().string()},
      {"line", s.line},
      {"format", parsed->format ? workers::SampleFormatName(*parsed->format) : "rejected"},
      {"question", ReplaceInvalidUtf8(parsed->question)},
      {"answer", ReplaceInvalidUtf8(parsed->answer)},
      {"context_bytes", parsed->context.size()},
      {"document_bytes", document_bytes},
      {"evidence", Evidence(meta, store, document_bytes)},
      {"meta", std::move(meta)},
      {"human", std::move(history)},
  };
}

}  // namespace longforge::review
