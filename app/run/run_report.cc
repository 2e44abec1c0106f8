#include "run/run_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

namespace longforge::app {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v == std::floor(v) ? "%.0f" : "%.2f", v);
  return buf;
}

using Series = std::vector<std::pair<std::string, double>>;

// A horizontal bar chart; every chart of the page is one of these.
std::string BarChart(const std::string& id, const std::string& title, const Series& bars) {
  const int row = 22, label_w = 190, bar_w = 360, top = 28;
  const int height = top + row * static_cast<int>(std::max<std::size_t>(bars.size(), 1)) + 8;
  double max = 0;
  for (const auto& [label, v] : bars) max = std::max(max, v);
  std::string svg = "<svg class=\"chart\" id=\"" + id + "\" role=\"img\" width=\"" +
                    std::to_string(label_w + bar_w + 90) + "\" height=\"" + std::to_string(height) +
                    "\" aria-label=\"" + Escape(title) + "\">";
  svg += "<title>" + Escape(title) + "</title><text x=\"0\" y=\"16\" class=\"t\">" + Escape(title) +
         "</text>";
  if (bars.empty()) svg += "<text x=\"0\" y=\"44\">(nothing to show)</text>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = top + static_cast<int>(i) * row;
    const double w = max > 0 ? bars[i].second / max * bar_w : 0;
    svg += "<text x=\"" + std::to_string(label_w - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + Escape(bars[i].first) + "</text>";
    svg += "<rect class=\"bar\" x=\"" + std::to_string(label_w) + "\" y=\"" +
           std::to_string(y + 3) + "\" width=\"" + Num(std::max(w, 1.0)) + "\" height=\"" +
           std::to_string(row - 6) + "\"/>";
    svg += "<text x=\"" + Num(label_w + w + 6) + "\" y=\"" + std::to_string(y + 15) + "\">" +
           Num(bars[i].second) + "</text>";
  }
  return svg + "</svg>\n";
}

// Counts of `values` in power-of-two buckets (bytes).
Series Histogram(const std::vector<std::size_t>& values) {
  std::map<int, double> buckets;
  for (const auto v : values) {
    int b = 0;
    while ((std::size_t{1} << (b + 1)) <= v) ++b;
    buckets[v == 0 ? -1 : b] += 1;
  }
  Series out;
  for (const auto& [b, n] : buckets) {
    out.emplace_back(b < 0 ? "0 bytes"
                           : std::to_string(std::size_t{1} << b) + "–" +
                                 std::to_string((std::size_t{1} << (b + 1)) - 1) + " bytes",
                     n);
  }
  return out;
}

// Sums of a counter family's samples, by the value of `label`.
std::map<std::string, double> ByLabel(const std::vector<prometheus::MetricFamily>& families,
                                      const std::string& name, const std::string& label,
                                      const std::string& filter_label = "",
                                      const std::string& filter_value = "") {
  std::map<std::string, double> out;
  for (const auto& f : families) {
    if (f.name != name) continue;
    for (const auto& m : f.metric) {
      std::string key, filter;
      for (const auto& l : m.label) {
        if (l.name == label) key = l.value;
        if (l.name == filter_label) filter = l.value;
      }
      if (!filter_label.empty() && filter != filter_value) continue;
      out[key] += m.counter.value;
    }
  }
  return out;
}

// What a data team checks first: accepted samples by question type and difficulty, the
// closed-book check per question type, and what an accepted sample cost at each level.
std::string QualityTables(const std::vector<SampleStat>& samples) {
  std::map<std::string, std::map<std::string, std::size_t>> by_type;
  std::map<std::string, std::pair<std::size_t, std::size_t>> closed_book;  // checked, answerable
  std::map<int, std::tuple<std::size_t, std::size_t, uint64_t>> by_level;  // samples, accepted
  for (const auto& x : samples) {
    const std::string type = x.type.empty() ? "(untyped)" : x.type;
    const bool accepted = x.decision == envelope::Decision::kAccept;
    if (accepted) ++by_type[type][x.difficulty];
    if (x.closed_book_checked) {
      ++closed_book[type].first;
      closed_book[type].second += x.answerable ? 1 : 0;
    }
    auto& [n, ok, tokens] = by_level[x.level];
    ++n;
    ok += accepted ? 1 : 0;
    tokens += x.prompt_tokens;
  }
  std::string html =
      "<h2>Accepted samples by question type and difficulty</h2>\n<table id=\"type-difficulty\">"
      "<tr><th>type</th><th>easy</th><th>medium</th><th>hard</th></tr>";
  for (const auto& [type, counts] : by_type) {
    html += "<tr><td>" + Escape(type) + "</td>";
    for (const char* d : {"easy", "medium", "hard"}) {
      const auto it = counts.find(d);
      html += "<td>" + std::to_string(it == counts.end() ? 0 : it->second) + "</td>";
    }
    html += "</tr>";
  }
  html +=
      "</table>\n<h2>Closed-book check by question type</h2>\n<table id=\"closed-book\">"
      "<tr><th>type</th><th>checked</th><th>answerable without the document (rejected)</th></tr>";
  for (const auto& [type, c] : closed_book) {
    html += "<tr><td>" + Escape(type) + "</td><td>" + std::to_string(c.first) + "</td><td>" +
            std::to_string(c.second) + " (" + Num(std::round(1000.0 * c.second / c.first) / 10) +
            "%)</td></tr>";
  }
  if (closed_book.empty()) {
    html +=
        "<tr><td colspan=\"3\">not run: no LLM, --closed-book off, or no sample with a "
        "reference reached it</td></tr>";
  }
  html +=
      "</table>\n<h2>Prompt tokens per accepted sample by level</h2>\n<table id=\"level-cost\">"
      "<tr><th>level</th><th>samples</th><th>accepted</th><th>prompt tokens</th>"
      "<th>per accepted sample</th></tr>";
  for (const auto& [level, c] : by_level) {
    const auto& [n, ok, tokens] = c;
    html += "<tr><td>" + std::to_string(level) + "</td><td>" + std::to_string(n) + "</td><td>" +
            std::to_string(ok) + "</td><td>" + std::to_string(tokens) + "</td><td>" +
            (ok > 0 ? std::to_string(tokens / ok) : std::string("-")) + "</td></tr>";
  }
  return html + "</table>\n";
}

}  // namespace

std::string RenderRunReport(const ReportInput& in, const prometheus::Registry& registry) {
  const auto& s = in.summary;
  const auto families = registry.Collect();

  Series decisions = {{"accepted", double(s.accepted)}};
  for (const auto& [reason, n] : s.rejected_by_reason)
    decisions.emplace_back("rejected: " + reason, n);
  if (s.review > 0) decisions.emplace_back("review", double(s.review));
  if (s.tasks_dead_lettered > 0)
    decisions.emplace_back("dead-lettered", double(s.tasks_dead_lettered));

  std::vector<std::size_t> answers, evidence;
  for (const auto& x : s.samples) {
    answers.push_back(x.answer_bytes);
    evidence.push_back(x.evidence_bytes);
  }

  Series calls, tokens;
  const auto ok = ByLabel(families, "longforge_llm_requests_total", "stage");
  for (const auto& [stage, n] : ok) calls.emplace_back(stage, n);
  for (const auto& kind : {"prompt", "completion"}) {
    for (const auto& [stage, n] :
         ByLabel(families, "longforge_llm_tokens_total", "stage", "kind", kind)) {
      tokens.emplace_back(stage + " " + kind, n);
    }
  }

  // Records written per interval of the run.
  Series throughput;
  const double span = std::max(in.seconds, 1.0);
  const int buckets = 10;
  std::vector<double> per(buckets, 0);
  for (const auto& x : s.samples) {
    per[std::min(buckets - 1, static_cast<int>(x.seconds / span * buckets))] += 1;
  }
  for (int i = 0; i < buckets; ++i) {
    throughput.emplace_back(Num(span * i / buckets) + "–" + Num(span * (i + 1) / buckets) + " s",
                            per[i]);
  }

  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>longforge run report</title><style>"
      "body{font-family:sans-serif;margin:2em;color:#222}svg{display:block;margin:1em 0}"
      "svg text{font-size:12px;fill:#222}svg .t{font-size:14px;font-weight:bold}"
      "svg .bar{fill:#3b6ea5}table{border-collapse:collapse}"
      "td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}"
      "</style></head><body>\n<h1>longforge run report</h1>\n<table>";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"backend", in.backend},
      {"tokenizer", in.tokenizer},
      {"kafka", in.brokers},
      {"documents", std::to_string(s.documents) + " (" + std::to_string(s.documents_dead_lettered) +
                        " dead-lettered, " + std::to_string(in.input_problems) +
                        " inputs rejected)"},
      {"tasks", std::to_string(s.tasks) + " (ended " + std::to_string(s.tasks_ended) + ")"},
      {"accepted", std::to_string(s.accepted)},
      {"rejected", std::to_string(s.rejected)},
      {"unread chunks", s.reading.Describe()},
      {"LLM calls",
       std::to_string(s.llm_calls) + " (" + std::to_string(s.cache_hits) + " from cache)"},
      {"tokens", std::to_string(s.prompt_tokens) + " prompt, " +
                     std::to_string(s.completion_tokens) + " completion"},
      {"wall time", Num(in.seconds) + " s"}};
  for (const auto& [k, v] : rows) html += "<tr><th>" + k + "</th><td>" + Escape(v) + "</td></tr>";
  html += "</table>\n";
  html += QualityTables(s.samples);
  html += BarChart("decisions", "Samples by decision and reason", decisions);
  Series depth;
  for (int t = 0; t < 10 && !in.evidence_depth.empty(); ++t) {
    const auto it = in.evidence_depth.find(t);
    depth.emplace_back(Num(t / 10.0) + "–" + Num((t + 1) / 10.0),
                       it == in.evidence_depth.end() ? 0.0 : double(it->second));
  }
  html += BarChart("evidence-depth",
                   "Where the evidence lies in accepted records' contexts (0 = start, 1 = end; "
                   "the dataset directory)",
                   depth);
  if (!in.skipped_windows.empty()) {
    Series skipped;
    for (const auto& [reason, n] : in.skipped_windows) skipped.emplace_back(reason, double(n));
    html += BarChart("skipped-windows", "Context windows skipped (skipped.jsonl)", skipped);
  }
  html += BarChart("answer-lengths", "Answer length (bytes)", Histogram(answers));
  html += BarChart("evidence-lengths", "Evidence length per sample (bytes)", Histogram(evidence));
  html += BarChart("llm-calls", "LLM calls per stage", calls);
  html += BarChart("llm-tokens", "LLM tokens per stage", tokens);
  html += BarChart("throughput", "Samples written over the run", throughput);
  if (!s.notes.empty()) {
    html += "<h2>Notes</h2><ul>";
    for (const auto& n : s.notes) html += "<li>" + Escape(n) + "</li>";
    html += "</ul>";
  }
  return html + "</body></html>\n";
}

}  // namespace longforge::app
