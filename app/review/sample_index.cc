#include "review/sample_index.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "longforge/common/utf8.h"
#include "review/sample_line.h"

namespace longforge::review {

namespace fs = std::filesystem;

namespace {

// Slot of a single-valued facet in IndexedSample::values; nullopt for kReason, kHuman.
std::optional<std::size_t> Slot(Facet facet) {
  switch (facet) {
    case Facet::kDecision:
      return 0;
    case Facet::kType:
      return 1;
    case Facet::kScope:
      return 2;
    case Facet::kDifficulty:
      return 3;
    case Facet::kLanguage:
      return 4;
    case Facet::kDoc:
      return 5;
    case Facet::kReason:
    case Facet::kHuman:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string Prefix(std::string_view text) {
  return ReplaceInvalidUtf8(text.substr(0, CodePointPrefix(text, kIndexedTextBytes)));
}

bool ContainsFolded(std::string_view haystack, std::string_view folded_needle) {
  const auto it =
      std::search(haystack.begin(), haystack.end(), folded_needle.begin(), folded_needle.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

}  // namespace

const char* FacetName(Facet facet) {
  switch (facet) {
    case Facet::kDecision:
      return "decision";
    case Facet::kReason:
      return "reason";
    case Facet::kType:
      return "type";
    case Facet::kScope:
      return "scope";
    case Facet::kDifficulty:
      return "difficulty";
    case Facet::kLanguage:
      return "language";
    case Facet::kDoc:
      return "doc";
    case Facet::kHuman:
      return "human";
  }
  return "decision";
}

std::optional<Facet> ParseFacet(std::string_view name) {
  for (const Facet f : kFacets) {
    if (name == FacetName(f)) return f;
  }
  return std::nullopt;
}

Result<std::unique_ptr<SampleIndex>> SampleIndex::Build(const std::string& dir,
                                                        const store::DocumentStore* store,
                                                        std::vector<std::string>& warnings) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error::Stop(dir + ": not a directory");
  std::vector<std::string> accepted;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("dataset") && name.ends_with(".jsonl") && entry.is_regular_file()) {
      accepted.push_back(entry.path().string());
    }
  }
  if (ec) return Error::Stop(dir + ": cannot list: " + ec.message());
  // dataset.jsonl first, then the length buckets (dataset-<bucket>.jsonl) by name.
  std::sort(accepted.begin(), accepted.end(), [](const std::string& a, const std::string& b) {
    const bool a_main = a.ends_with("/dataset.jsonl"), b_main = b.ends_with("/dataset.jsonl");
    return a_main != b_main ? a_main : a < b;
  });
  std::unique_ptr<SampleIndex> index(new SampleIndex());
  for (const auto& path : accepted) {
    if (auto s = index->IndexFile(path, true, store, warnings); !s) return s.error();
  }
  const std::string rejected = (fs::path(dir) / "rejected.jsonl").string();
  if (fs::exists(rejected, ec)) {
    if (auto s = index->IndexFile(rejected, false, store, warnings); !s) return s.error();
  }
  if (index->files_.empty()) {
    return Error::Stop(dir + ": holds no dataset*.jsonl or rejected.jsonl (is it a sink's --out?)");
  }
  return index;
}

uint32_t SampleIndex::Intern(Facet facet, std::string_view value) {
  const auto f = static_cast<std::size_t>(facet);
  auto [it, inserted] = ids_[f].try_emplace(std::string(value), values_[f].size());
  if (inserted) values_[f].emplace_back(value);
  return it->second;
}

Status SampleIndex::IndexFile(const std::string& path, bool accepted,
                              const store::DocumentStore* store,
                              std::vector<std::string>& warnings) {
  std::ifstream in(path, std::ios::binary);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in || !fd) return Error::Stop(path + ": cannot open: " + std::strerror(errno));
  const auto file = static_cast<uint32_t>(files_.size());
  files_.push_back({path, accepted, 0});
  fds_.push_back(std::move(fd));
  const auto document_bytes = [&](std::string_view doc_id) -> uint64_t {
    if (store == nullptr || doc_id.empty()) return 0;
    auto [it, inserted] = document_bytes_.try_emplace(std::string(doc_id), 0);
    if (inserted) {
      struct stat st {};
      const std::string text = store->PathOf(store::DocumentStore::TextKey(it->first));
      if (::stat(text.c_str(), &st) == 0) it->second = static_cast<uint64_t>(st.st_size);
    }
    return it->second;
  };
  simdjson::dom::parser parser;
  std::string line;
  uint64_t offset = 0;
  uint32_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const uint64_t at = offset;
    offset += line.size() + 1;
    const std::string where = path + ":" + std::to_string(number);
    if (in.eof()) {
      warnings.push_back(where + ": no newline at the end (a sink still writing?): skipped");
      break;
    }
    if (line.empty()) continue;
    auto parsed = ParseSampleLine(parser, line, document_bytes);
    if (!parsed) return Error::Stop(where + ": not a sink record: " + parsed.error().message);
    const auto& meta = parsed->meta;
    // A sample's windows (--context window) are records of their own, each decided on
    // by itself: the index knows a record by its record_id when it has one.
    if (MetaString(meta, "sample_id").empty()) {
      return Error::Stop(where + ": not a sink record: no meta.sample_id");
    }
    std::string id(MetaString(meta, "record_id"));
    if (id.empty()) id = MetaString(meta, "sample_id");
    const auto [_, fresh] = by_id_.try_emplace(id, static_cast<uint32_t>(samples_.size()));
    if (!fresh) {
      warnings.push_back(where + ": sample " + id + " again: skipped");
      continue;
    }
    IndexedSample s;
    s.file = file;
    s.line = number;
    s.offset = at;
    s.length = line.size();
    s.sample_id = id;
    s.question = Prefix(parsed->question);
    s.answer = Prefix(parsed->answer);
    s.level = static_cast<uint32_t>(MetaUint(meta, "level"));
    const std::string_view decision = MetaString(meta, "decision");
    s.values[*Slot(Facet::kDecision)] =
        Intern(Facet::kDecision, decision.empty() ? (accepted ? "accept" : "reject") : decision);
    for (const Facet f :
         {Facet::kType, Facet::kScope, Facet::kDifficulty, Facet::kLanguage, Facet::kDoc}) {
      const std::string_view key = f == Facet::kType  ? "question_type"
                                   : f == Facet::kDoc ? "doc_id"
                                                      : FacetName(f);
      s.values[*Slot(f)] = Intern(f, MetaString(meta, key));
    }
    simdjson::dom::array reasons;
    if (meta["reasons"].get_array().get(reasons) == simdjson::SUCCESS) {
      for (const auto reason : reasons) {
        std::string_view text;
        if (reason.get_string().get(text) == simdjson::SUCCESS) {
          s.reasons.push_back(Intern(Facet::kReason, text));
        }
      }
    }
    samples_.push_back(std::move(s));
    ++files_[file].samples;
  }
  if (in.bad()) return Error::Stop(path + ": read error: " + std::strerror(errno));
  return {};
}

std::optional<std::size_t> SampleIndex::Find(const std::string& sample_id) const {
  const auto it = by_id_.find(sample_id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

const std::string& SampleIndex::Value(Facet facet, uint32_t id) const {
  return values_[static_cast<std::size_t>(facet)][id];
}

const std::string& SampleIndex::Value(const IndexedSample& s, Facet facet) const {
  static const std::string kNone;
  const auto slot = Slot(facet);
  return slot ? Value(facet, s.values[*slot]) : kNone;
}

Result<std::string> SampleIndex::ReadLine(const IndexedSample& sample) const {
  std::string out(sample.length, '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fds_[sample.file].get(), out.data() + done, out.size() - done,
                              static_cast<off_t>(sample.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Error::Retry(files_[sample.file].path + ":" + std::to_string(sample.line) +
                          ": cannot read: " + (n == 0 ? "file shrank" : std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

QueryResult SampleIndex::Run(
    const SampleQuery& query,
    const std::function<std::optional<HumanDecision>(const std::string&)>& human) const {
  QueryResult out;
  std::string needle = query.text;
  std::transform(needle.begin(), needle.end(), needle.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const Facet f : kFacets) out.counts[f];  // every facet listed, even with no values
  std::vector<std::pair<Facet, std::string>> values;
  for (uint32_t i = 0; i < samples_.size(); ++i) {
    const IndexedSample& s = samples_[i];
    if (!needle.empty() && !ContainsFolded(s.question, needle) &&
        !ContainsFolded(s.answer, needle)) {
      continue;
    }
    const auto decided = human ? human(s.sample_id) : std::nullopt;
    values.clear();
    for (const Facet f : kFacets) {
      if (f == Facet::kReason) {
        for (const uint32_t r : s.reasons) values.emplace_back(f, Value(f, r));
      } else if (f == Facet::kHuman) {
        values.emplace_back(f, decided ? ToString(*decided) : "undecided");
      } else {
        values.emplace_back(f, Value(s, f));
      }
    }
    // The facets whose filter this sample fails: none — it is a row and counts for every
    // facet; one — it counts for that facet only (choosing another value there could
    // bring it in); more — it counts nowhere.
    std::optional<Facet> failed;
    bool out_of_reach = false;
    for (const auto& [facet, wanted] : query.equals) {
      const bool has = std::any_of(values.begin(), values.end(), [&](const auto& v) {
        return v.first == facet && v.second == wanted;
      });
      if (has) continue;
      if (failed) {
        out_of_reach = true;
        break;
      }
      failed = facet;
    }
    if (out_of_reach) continue;
    if (!failed) out.rows.push_back(i);
    for (const auto& [facet, value] : values) {
      if (!failed || *failed == facet) ++out.counts[facet][value];
    }
  }
  return out;
}

}  // namespace longforge::review
