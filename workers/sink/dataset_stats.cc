#include "workers/sink/dataset_stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "workers/sink/sample_format.h"

namespace longforge::workers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int Log2(std::size_t n) {
  int b = 0;
  while ((std::size_t{1} << (b + 1)) <= n) ++b;
  return n == 0 ? -1 : b;
}

// The byte size of the string `key` of `object`: 0 when absent, nullopt when `object`
// is not an object or the value not a string.
std::optional<std::size_t> SizeOf(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end()) return 0;
  if (!it->is_string()) return std::nullopt;
  return it->get_ref<const std::string&>().size();
}

// The prompt and the reply of an accepted line, whatever its format, in bytes; nullopt
// when the line has none of the formats' shapes.
std::optional<std::pair<std::size_t, std::size_t>> PromptAndAnswer(const json& j) {
  if (!j.is_object()) return std::nullopt;
  if (DetectSampleFormat(j) == SampleFormat::kRlVerl) {
    // The prompt is one user turn; the accepted answer rides in extra_info.
    const auto& turns = j["prompt"];
    const json* extra = RecordMeta(j);
    if (!turns.is_array() || turns.empty() || extra == nullptr) return std::nullopt;
    const auto prompt = SizeOf(turns[0], "content"), answer = SizeOf(*extra, "answer");
    if (!prompt || !answer) return std::nullopt;
    return std::pair{*prompt, *answer};
  }
  for (const auto& [turns, text] :
       {std::pair{"messages", "content"}, std::pair{"conversations", "value"}}) {
    const auto it = j.find(turns);
    if (it == j.end()) continue;
    if (!it->is_array() || it->size() < 2) return std::nullopt;
    const auto prompt = SizeOf((*it)[0], text), answer = SizeOf((*it)[1], text);
    if (!prompt || !answer) return std::nullopt;
    return std::pair{*prompt, *answer};
  }
  const auto instruction = SizeOf(j, "instruction"), input = SizeOf(j, "input"),
             output = SizeOf(j, "output");
  if (!instruction || !input || !output) return std::nullopt;
  return std::pair{*instruction + *input, *output};
}

// The string `key` of `meta`, or "" when absent or not a string.
std::string StringOf(const json& meta, const char* key) {
  const auto it = meta.find(key);
  return it != meta.end() && it->is_string() ? it->get<std::string>() : "";
}

Status ReadFile(const std::string& path, bool accepted, DatasetStats& s) {
  std::ifstream in(path);
  if (!in) return {};  // a run may have written only one of the two files
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto at = [&] { return path + ":" + std::to_string(number) + ": "; };
    const json j = json::parse(line, nullptr, false);
    const json* meta = j.is_discarded() ? nullptr : RecordMeta(j);
    if (meta == nullptr) return Error::Stop(at() + "not a longforge sink record");
    const json& m = *meta;
    s.llm_calls += m.value("llm_calls", uint64_t{0});
    s.prompt_tokens += m.value("prompt_tokens", uint64_t{0});
    s.completion_tokens += m.value("completion_tokens", uint64_t{0});
    s.reading.Add(m.value("chunks_total", uint64_t{0}), m.value("chunks_lost", uint64_t{0}),
                  m.value("chunks_failed", uint64_t{0}), m.value("chunks_malformed", uint64_t{0}));
    const std::string type = m.value("question_type", "?");
    auto& level = s.by_level[m.value("level", 0)];
    ++level.samples;
    level.accepted += accepted ? 1 : 0;
    level.prompt_tokens += m.value("prompt_tokens", uint64_t{0});
    if (m.contains("closed_book_answer") && m["closed_book_answer"].is_string()) {
      auto& cb = s.closed_book[type];
      ++cb.checked;
      const auto reasons = m.find("reasons");
      if (reasons != m.end() && reasons->is_array() &&
          std::find(reasons->begin(), reasons->end(), "answerable_without_document") !=
              reasons->end()) {
        ++cb.answerable;
      }
    }
    if (accepted) {
      ++s.accepted;
      ++s.by_type[type];
      ++s.by_type_difficulty[type][m.value("difficulty", "?")];
      const auto origin = envelope::ParseOrigin(StringOf(m, "origin"));
      if (!origin) return Error::Stop(at() + "unknown origin \"" + StringOf(m, "origin") + "\"");
      ++s.by_origin[*origin];
      ++s.by_backend[m.value("backend", "?")];
      const auto sizes = PromptAndAnswer(j);
      if (!sizes) return Error::Stop(at() + "not a longforge sink record");
      const auto tenth = [](double at) { return std::clamp(static_cast<int>(at * 10), 0, 9); };
      if (const auto w = m.find("window"); w != m.end() && w->is_object()) {
        ++s.evidence_depth[tenth(w->value("evidence_depth", 0.0))];
      } else if (const auto p = m.find("evidence_position"); p != m.end() && p->is_array()) {
        for (const auto& at : *p) {
          if (at.is_number()) ++s.evidence_depth[tenth(at.get<double>())];
        }
      }
      if (const std::string bucket = StringOf(m, "length_bucket"); !bucket.empty()) {
        ++s.by_bucket[bucket];
      }
      ++s.context_log2[Log2(sizes->first)];
      ++s.answer_log2[Log2(sizes->second)];
      continue;
    }
    const auto decision = envelope::ParseDecision(StringOf(m, "decision"));
    if (!decision) {
      return Error::Stop(at() + "unknown decision \"" + StringOf(m, "decision") + "\"");
    }
    switch (*decision) {
      case envelope::Decision::kReview:
        ++s.review;
        break;
      case envelope::Decision::kReject:
        ++s.rejected;
        break;
      case envelope::Decision::kAccept:
        return Error::Stop(at() + "an accepted sample among the rejected ones");
    }
    if (m.contains("reasons") && m["reasons"].is_array()) {
      for (const auto& r : m["reasons"]) {
        if (r.is_string()) ++s.by_reason[r.get<std::string>()];
      }
    }
  }
  return {};
}

// skipped.jsonl: windows the sink could not cut, by reason.
Status ReadSkipped(const std::string& path, DatasetStats& s) {
  std::ifstream in(path);
  if (!in) return {};
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const json j = json::parse(line, nullptr, false);
    const json* meta = j.is_discarded() ? nullptr : RecordMeta(j);
    const std::string reason = meta ? StringOf(*meta, "reason") : "";
    if (reason.empty()) {
      return Error::Stop(path + ":" + std::to_string(number) + ": not a skipped-window record");
    }
    ++s.skipped[reason];
  }
  return {};
}

void Section(std::ostringstream& out, const std::string& title,
             const std::map<std::string, std::size_t>& counts) {
  out << title << ":\n";
  if (counts.empty()) out << "  (none)\n";
  for (const auto& [k, n] : counts) out << "  " << k << ": " << n << "\n";
}

void Histogram(std::ostringstream& out, const std::string& title,
               const std::map<int, std::size_t>& buckets) {
  out << title << ":\n";
  std::size_t max = 1;
  for (const auto& [b, n] : buckets) max = std::max(max, n);
  for (const auto& [b, n] : buckets) {
    const std::string range = b < 0 ? "0"
                                    : std::to_string(std::size_t{1} << b) + "-" +
                                          std::to_string((std::size_t{1} << (b + 1)) - 1);
    out << "  " << range << " bytes: " << std::string((n * 40 + max - 1) / max, '#') << " " << n
        << "\n";
  }
}

// One line of dataset.jsonl by position: the sort moves these (24 bytes each), and the
// lines are copied once, in the new order.
struct LineRef {
  uint64_t offset;
  uint64_t bytes;   // without its newline
  uint64_t prompt;  // the sort key: prompt bytes
};

struct ScopedFd {
  explicit ScopedFd(int f) : fd(f) {}
  ~ScopedFd() {
    if (fd >= 0) ::close(fd);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int fd;
};

// Writes all of `data` to `fd`; false with errno set when it cannot.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Copies the lines of `in` (the file `path`, `size` bytes) named by `index`, in its
// order and each with a newline, to a new file `tmp`, and fsyncs it. Memory: one line
// plus a 1 MiB write buffer.
Status WriteInOrder(std::ifstream& in, const std::string& path, uint64_t size,
                    const std::vector<LineRef>& index, const std::string& tmp) {
  constexpr std::size_t kBuffer = std::size_t{1} << 20;
  ScopedFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (out.fd < 0) return Error::Stop(tmp + ": cannot create: " + std::strerror(errno));
  const auto write_failed = [&] {
    return Error::Stop(tmp + ": write failed: " + std::strerror(errno));
  };
  std::string buffer;
  buffer.reserve(kBuffer);
  for (const LineRef& r : index) {
    // With its newline, except a last line that has none; the newline read back checks
    // that the file is still the one indexed.
    const uint64_t take = std::min(r.bytes + 1, size - r.offset);
    const std::size_t at = buffer.size();
    buffer.resize(at + take);
    in.seekg(static_cast<std::streamoff>(r.offset));
    in.read(buffer.data() + at, static_cast<std::streamsize>(take));
    if (static_cast<uint64_t>(in.gcount()) != take || (take > r.bytes && buffer.back() != '\n')) {
      return Error::Stop(path + ": the line at byte " + std::to_string(r.offset) +
                         " could not be read back (did the file change while sorting?)");
    }
    if (take == r.bytes) buffer += '\n';
    if (buffer.size() >= kBuffer) {
      if (!WriteAll(out.fd, buffer)) return write_failed();
      buffer.clear();
    }
  }
  if (!WriteAll(out.fd, buffer)) return write_failed();
  if (::fsync(out.fd) != 0) return Error::Stop(tmp + ": fsync failed: " + std::strerror(errno));
  const int fd = out.fd;
  out.fd = -1;
  if (::close(fd) != 0) return Error::Stop(tmp + ": close failed: " + std::strerror(errno));
  return {};
}

}  // namespace

std::vector<std::string> DatasetFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool bucket = name.starts_with("dataset-") && name.ends_with(".jsonl");
    if ((name == "dataset.jsonl" || bucket) && entry.is_regular_file(ec)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<DatasetStats> ReadDatasetStats(const std::string& dir) {
  DatasetStats s;
  const auto datasets = DatasetFiles(dir);
  if (datasets.empty() && !std::ifstream(dir + "/rejected.jsonl")) {
    return Error::Stop(dir + ": no dataset.jsonl, dataset-<bucket>.jsonl or rejected.jsonl here");
  }
  for (const auto& name : datasets) {
    if (auto st = ReadFile(dir + "/" + name, true, s); !st) return st.error();
  }
  if (auto st = ReadFile(dir + "/rejected.jsonl", false, s); !st) return st.error();
  if (auto st = ReadSkipped(dir + "/skipped.jsonl", s); !st) return st.error();
  return s;
}

Status SortDatasetByLength(const std::string& dir) {
  for (const auto& name : DatasetFiles(dir)) {
    if (auto st = SortDatasetFileByLength(dir, name); !st) return st;
  }
  return {};
}

Status SortDatasetFileByLength(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  std::error_code ec;
  if (!fs::exists(path, ec)) return ec ? Error::Stop(path + ": " + ec.message()) : Status{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Stop(path + ": cannot open: " + std::strerror(errno));
  // One streaming pass builds the index; the lines stay on disk until they are copied.
  std::vector<LineRef> index;
  std::string line;
  uint64_t offset = 0;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    const auto sizes = j.is_discarded() ? std::nullopt : PromptAndAnswer(j);
    if (!sizes) {
      return Error::Stop(path + ":" + std::to_string(index.size() + 1) +
                         ": not a longforge sink record");
    }
    index.push_back({offset, line.size(), sizes->first});
    offset += line.size() + 1;
  }
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Error::Stop(path + ": " + ec.message());
  // The last line may lack its newline (offset is one past the end then); anything
  // else means the read stopped early, which a stream reports as the end of the file.
  if (offset != size && offset != size + 1) {
    return Error::Stop(path + ": reading stopped at byte " + std::to_string(offset) + " of " +
                       std::to_string(size) + ": " + std::strerror(errno));
  }
  std::stable_sort(index.begin(), index.end(),
                   [](const LineRef& a, const LineRef& b) { return a.prompt < b.prompt; });
  in.clear();
  const std::string tmp = path + ".sorting";
  auto written = WriteInOrder(in, path, size, index, tmp);
  if (!written) {
    ::unlink(tmp.c_str());
    return written.error();
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error::Stop(path + ": replacing it with " + tmp + " failed: " + why);
  }
  // The rename itself is on disk only once the directory is.
  ScopedFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0 || ::fsync(d.fd) != 0) {
    return Error::Stop(dir + ": fsync after sorting " + name + " failed: " + std::strerror(errno));
  }
  return {};
}

std::string FormatDatasetStats(const DatasetStats& s) {
  std::ostringstream out;
  const std::size_t total = s.accepted + s.rejected + s.review;
  out << "samples: " << total << " (accepted " << s.accepted << ", rejected " << s.rejected
      << ", review " << s.review << ")\n";
  if (total > 0) {
    out << "acceptance rate: " << std::round(1000.0 * s.accepted / total) / 10 << "%\n";
  }
  Section(out, "accepted by question type", s.by_type);
  std::map<std::string, std::size_t> by_origin;
  for (const auto& [origin, n] : s.by_origin) by_origin[envelope::ToString(origin)] = n;
  Section(out, "accepted by origin", by_origin);
  out << "accepted by question type and difficulty (easy / medium / hard):\n";
  if (s.by_type_difficulty.empty()) out << "  (none)\n";
  for (const auto& [type, counts] : s.by_type_difficulty) {
    const auto n = [&counts](const char* d) {
      const auto it = counts.find(d);
      return it == counts.end() ? std::size_t{0} : it->second;
    };
    out << "  " << type << ": " << n("easy") << " / " << n("medium") << " / " << n("hard") << "\n";
  }
  out << "closed-book check by question type (answerable without the document / checked):\n";
  if (s.closed_book.empty()) out << "  (not run)\n";
  for (const auto& [type, cb] : s.closed_book) {
    out << "  " << type << ": " << cb.answerable << " / " << cb.checked << " ("
        << std::round(1000.0 * cb.answerable / cb.checked) / 10 << "%)\n";
  }
  out << "prompt tokens per accepted sample by level (all samples' tokens / accepted):\n";
  for (const auto& [level, c] : s.by_level) {
    out << "  level " << level << ": " << c.accepted << " accepted of " << c.samples << ", ";
    if (c.accepted > 0) {
      out << c.prompt_tokens / c.accepted;
    } else {
      out << "-";
    }
    out << " (" << c.prompt_tokens << " prompt tokens)\n";
  }
  Section(out, "accepted by backend", s.by_backend);
  Section(out, "rejected and review by reason", s.by_reason);
  out << "evidence depth in the context of accepted samples (0 = its start, 1 = its end):\n";
  if (s.evidence_depth.empty()) out << "  (no evidence positions recorded)\n";
  {
    std::size_t max = 1;
    for (const auto& [t, n] : s.evidence_depth) max = std::max(max, n);
    for (int t = 0; t < 10 && !s.evidence_depth.empty(); ++t) {
      const auto it = s.evidence_depth.find(t);
      const std::size_t n = it == s.evidence_depth.end() ? 0 : it->second;
      out << "  " << t / 10.0 << (t == 0 ? ".0" : "") << "-" << (t + 1) / 10.0
          << (t == 9 ? ".0" : "") << ": " << std::string((n * 40 + max - 1) / max, '#') << " " << n
          << "\n";
    }
  }
  if (!s.by_bucket.empty()) Section(out, "accepted records by length bucket", s.by_bucket);
  if (!s.skipped.empty()) Section(out, "windows skipped by reason (skipped.jsonl)", s.skipped);
  Histogram(out, "prompt length of accepted samples", s.context_log2);
  Histogram(out, "answer length of accepted samples", s.answer_log2);
  out << "unread chunks: " << s.reading.Describe() << "\n";
  out << "llm: " << s.llm_calls << " calls, " << s.prompt_tokens << " prompt + "
      << s.completion_tokens << " completion tokens";
  if (s.accepted > 0)
    out << " (" << s.prompt_tokens / s.accepted << " prompt tokens per accepted sample)";
  out << "\n";
  return out.str();
}

}  // namespace longforge::workers
