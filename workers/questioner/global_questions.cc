#include "workers/questioner/global_questions.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "longforge/common/strings.h"
#include "longforge/text/mentions.h"
#include "longforge/text/normalize.h"
#include "longforge/text/outline.h"
#include "longforge/text/segmenter.h"
#include "workers/questioner/question_sampler.h"

namespace longforge::workers {
namespace {

constexpr std::size_t kTimelineEvents = 4;
constexpr std::size_t kMinTimelineEvents = 3;
constexpr std::size_t kMinCountChapters = 3;
constexpr std::size_t kMaxCountChapters = 15;
constexpr std::size_t kMaxMentions = 40;
constexpr std::size_t kMinAggregateSections = 3;
// Names looked up in the text, the most frequent on the cards first: each lookup reads
// the whole text once.
constexpr std::size_t kMaxNamesLookedUp = 120;
// Names on fewer cards than this, or more, are not looked up.
constexpr std::size_t kMinNameCards = 2, kMaxNameCards = 15;
// An event in a question: long enough to be told apart, short enough to read.
constexpr std::size_t kMinEventWords = 6, kMaxEventWords = 40;
constexpr std::size_t kMinEventHan = 10, kMaxEventHan = 60;
// Briefs for the LLM: at most this many cards; an arc's subject is on at least
// kMinArcCards cards and among the kArcCandidates names on the most cards.
constexpr std::size_t kMaxBriefCards = 16;
constexpr std::size_t kMinArcCards = 3, kArcCandidates = 8;

bool HasQuoteMark(std::string_view s) {
  for (std::string_view mark :
       {"\"", "\u201C", "\u201D", "\u300C", "\u300D", "\u300E", "\u300F", "\u2018", "\u2019"}) {
    if (s.find(mark) != std::string_view::npos) return true;
  }
  return false;
}

// A name in the text: where it is mentioned and in which chapters (outline indices).
struct NameFacts {
  std::string name;
  std::vector<std::size_t> mentions;
  std::vector<int> chapters;  // distinct, ascending
};

class Writer {
 public:
  Writer(const envelope::ChunkTable& table, const envelope::DocumentMap& map, std::string_view text,
         uint64_t seed)
      : table_(table), map_(map), text_(text), rng_(seed) {
    std::size_t cjk = 0;
    for (const auto& card : map_.cards) cjk += text::ContainsCjk(card.gist) ? 1 : 0;
    chinese_ = cjk * 2 > map_.cards.size();
  }

  GenerationOutcome Timeline() {
    const std::size_t n = std::min(table_.chunks.size(), map_.cards.size());
    if (n < kMinTimelineEvents) return Skip("document too short for a timeline");
    const std::size_t k = std::min(kTimelineEvents, n);
    struct Pick {
      uint32_t chunk;
      std::string event;
    };
    std::vector<Pick> picks;
    std::set<int> chapters;
    std::set<std::string> seen;
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t lo = s * n / k, hi = (s + 1) * n / k - 1;
      const std::size_t start = rng_.Between(lo, hi);
      for (std::size_t step = 0; step <= hi - lo; ++step) {
        const std::size_t j = lo + (start - lo + step) % (hi - lo + 1);
        const int chapter = j < table_.chunk_headings.size() ? table_.chunk_headings[j] : -1;
        // Events from distinct chapters, when the document has them.
        if (!table_.outline.empty() && (chapter < 0 || chapters.contains(chapter))) continue;
        if (used_chunks_.contains(j)) continue;
        std::string event = EventOf(map_.cards[j]);
        if (event.empty() || !seen.insert(text::FoldForMatching(event)).second) continue;
        chapters.insert(chapter);
        picks.push_back({static_cast<uint32_t>(j), std::move(event)});
        break;
      }
    }
    if (picks.size() < kMinTimelineEvents) return Skip("too few events for a timeline");
    for (const auto& p : picks) used_chunks_.insert(p.chunk);
    // The events are offered shuffled (never in document order) under letters A, B, …;
    // the reference is their letters in document order.
    std::vector<std::size_t> shown(picks.size());
    for (std::size_t i = 0; i < shown.size(); ++i) shown[i] = i;
    for (std::size_t i = shown.size() - 1; i > 0; --i) {
      std::swap(shown[i], shown[rng_.Between(0, i)]);
    }
    if (std::is_sorted(shown.begin(), shown.end())) {
      std::rotate(shown.begin(), shown.begin() + 1, shown.end());
    }
    std::vector<char> letter_of(picks.size());
    std::string listed;
    for (std::size_t pos = 0; pos < shown.size(); ++pos) {
      const char letter = static_cast<char>('A' + pos);
      letter_of[shown[pos]] = letter;
      const std::string& event = picks[shown[pos]].event;
      if (chinese_) {
        listed += std::string(pos == 0 ? "" : "；") + "(" + letter + ")“" + event + "”";
      } else {
        listed += std::string(pos == 0 ? "" : "; ") + "(" + letter + ") \"" + event + "\"";
      }
    }
    GeneratedQuestion q;
    q.type = kTimeline;
    q.scope = envelope::Scope::kGlobal;
    q.verifier = "order";
    for (std::size_t i = 0; i < picks.size(); ++i) {
      if (!q.reference.empty()) q.reference += ", ";
      q.reference += letter_of[i];
      q.source_chunks.push_back(picks[i].chunk);
      q.quotes.push_back(picks[i].event);
    }
    q.question =
        chinese_
            ? "请按书中叙述的先后顺序排列以下事件：" + listed + "。只需按顺序写出字母，用逗号分隔。"
            : "Put these events in the order in which the book tells them: " + listed +
                  ". Answer with the letters in that order, separated by "
                  "commas.";
    return {std::move(q), {}};
  }

  GenerationOutcome Count() {
    if (table_.outline.empty()) return Skip("no chapters to count");
    const NameFacts* picked = PickName(kMinCountChapters, kMaxCountChapters);
    if (picked == nullptr) return Skip("no name whose chapters a rule can count");
    const NameFacts& f = *picked;
    GeneratedQuestion q;
    q.type = kCount;
    q.scope = envelope::Scope::kGlobal;
    q.verifier = "number";
    q.reference = std::to_string(f.chapters.size());
    q.source_chunks = ChunksOf(f);
    q.question = chinese_ ? "书中共有多少" + ZhUnit() + "提到“" + f.name + "”？请用一个数字回答。"
                          : "How many " + EnUnits() + " of the book mention \"" + f.name +
                                "\"? Answer with a number.";
    return {std::move(q), {}};
  }

  GenerationOutcome FirstLast() {
    if (table_.outline.empty()) return Skip("no chapters to name");
    const NameFacts* picked = PickName(2, SIZE_MAX);
    if (picked == nullptr) return Skip("no name mentioned in two chapters");
    const NameFacts& f = *picked;
    const bool first = rng_.Next() % 2 == 0;
    const std::size_t at = first ? f.mentions.front() : f.mentions.back();
    GeneratedQuestion q;
    q.type = kFirstLast;
    q.scope = envelope::Scope::kGlobal;
    q.verifier = "exact";
    q.reference = text::ChapterAt(table_.outline, at);
    q.source_chunks = {ChunkAt(at)};
    if (chinese_) {
      q.question = "“" + f.name + "”" + (first ? "最早" : "最后一次") + "出现在哪一" + ZhUnit() +
                   "？请写出该" + ZhUnit() + "的标题。";
    } else {
      q.question = std::string("In which ") + EnUnit() + " is \"" + f.name +
                   "\" mentioned for the " + (first ? "first" : "last") +
                   " time? Answer with the " + EnUnit() + "'s heading.";
    }
    return {std::move(q), {}};
  }

  // Whether the document states figures an aggregate question can add up.
  bool HasAggregates() { return !Aggregates().empty(); }

  GenerationOutcome Aggregate() {
    const auto& candidates = Aggregates();
    std::vector<const AggregateFacts*> open;
    for (const auto& a : candidates) {
      if (!used_.contains(a.label)) open.push_back(&a);
    }
    if (open.empty()) return Skip("no figure stated in three sections to add up");
    const AggregateFacts& a = *open[rng_.Between(0, open.size() - 1)];
    used_.insert(a.label);
    GeneratedQuestion q;
    q.type = kAggregate;
    q.scope = envelope::Scope::kGlobal;
    q.verifier = "number";
    q.reference = std::to_string(a.total);
    q.source_chunks = a.chunks;
    q.question = chinese_
                     ? "把全文各" + ZhUnit() + "给出的“" + a.label +
                           "”数值相加，总和是多少？请用一个数字回答。"
                     : "What is the total of the figures the document gives for \"" + a.label +
                           "\", one in each " + EnUnit() + " that states it? Answer with a number.";
    return {std::move(q), {}};
  }

  MapSample Arc() {
    // The names on the most cards: the document's main figures.
    std::map<std::string, std::vector<uint32_t>> on;
    for (std::size_t i = 0; i < map_.cards.size(); ++i) {
      const auto& c = map_.cards[i];
      std::set<std::string> in_card;
      for (const auto* list : {&c.people, &c.places, &c.organisations, &c.names}) {
        for (const auto& raw : *list) {
          std::string name(TrimAsciiSpace(raw));
          if (UsableName(name)) in_card.insert(std::move(name));
        }
      }
      for (const auto& name : in_card) on[name].push_back(static_cast<uint32_t>(i));
    }
    std::vector<std::pair<std::size_t, std::string>> ranked;
    for (const auto& [name, cards] : on) {
      if (cards.size() >= kMinArcCards && !arc_used_.contains(name)) {
        ranked.emplace_back(cards.size(), name);
      }
    }
    if (ranked.empty()) return {std::nullopt, "no name on enough cards for an arc"};
    std::sort(ranked.rbegin(), ranked.rend());
    if (ranked.size() > kArcCandidates) ranked.resize(kArcCandidates);
    const std::string name = ranked[rng_.Between(0, ranked.size() - 1)].second;
    arc_used_.insert(name);
    return Brief(kArc, name, Spread(on[name], kMaxBriefCards));
  }

  MapSample Compare() {
    const std::size_t n = std::min(table_.chunks.size(), map_.cards.size());
    if (table_.outline.empty() || n < 3) return {std::nullopt, "no chapters to compare"};
    // Two chunks a third of the document apart, in different chapters.
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::size_t a = rng_.Between(0, n - 1 - n / 3);
      const std::size_t b = rng_.Between(a + n / 3, n - 1);
      const int ca = HeadingOf(a), cb = HeadingOf(b);
      if (ca < 0 || cb < 0 || ca == cb) continue;
      std::vector<uint32_t> cards;
      for (const int chapter : {ca, cb}) {
        std::vector<uint32_t> in;
        for (std::size_t i = 0; i < n; ++i) {
          if (HeadingOf(i) == chapter) in.push_back(static_cast<uint32_t>(i));
        }
        for (const uint32_t i : Spread(in, kMaxBriefCards / 2)) cards.push_back(i);
      }
      const std::string subject = table_.outline[ca].title + " and " + table_.outline[cb].title;
      return Brief(kCompare, subject, cards);
    }
    return {std::nullopt, "no two distant chapters to compare"};
  }

  MapSample Causal() {
    const std::size_t n = std::min(table_.chunks.size(), map_.cards.size());
    if (n < 3) return {std::nullopt, "document too short for a causal question"};
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::size_t j = rng_.Between(n / 3, n - 1);
      const std::string event = EventOf(map_.cards[j]);
      if (event.empty()) continue;
      std::vector<uint32_t> before;
      for (std::size_t i = 0; i < j; ++i) before.push_back(static_cast<uint32_t>(i));
      auto cards = Spread(before, kMaxBriefCards - 1);
      cards.push_back(static_cast<uint32_t>(j));
      return Brief(kCausal, event, cards);
    }
    return {std::nullopt, "no event to ask the cause of"};
  }

 private:
  static GenerationOutcome Skip(std::string why) { return {std::nullopt, std::move(why)}; }

  int HeadingOf(std::size_t chunk) const {
    return chunk < table_.chunk_headings.size() ? table_.chunk_headings[chunk] : -1;
  }

  // At most `k` of `items`, evenly spread, first and last included.
  static std::vector<uint32_t> Spread(const std::vector<uint32_t>& items, std::size_t k) {
    if (items.size() <= k) return items;
    std::vector<uint32_t> out;
    for (std::size_t i = 0; i < k; ++i) out.push_back(items[i * (items.size() - 1) / (k - 1)]);
    return out;
  }

  // The sample: one line per card, "[part K of N | chapter] gist Events: a; b."
  MapSample Brief(std::string_view type, std::string subject, const std::vector<uint32_t>& cards) {
    QuestionSample q;
    q.requested_type = type;
    q.subject = std::move(subject);
    for (const uint32_t i : cards) {
      const envelope::Card& c = map_.cards[i];
      std::string line =
          "[part " + std::to_string(i + 1) + " of " + std::to_string(table_.chunks.size());
      const std::string chapter = table_.ChapterOf(i);
      if (!chapter.empty()) line += " | " + chapter;
      line += "] " + text::FoldWhitespace(c.gist);
      if (!c.events.empty()) {
        line += " Events: ";
        for (std::size_t e = 0; e < c.events.size(); ++e) line += (e ? "; " : "") + c.events[e];
        line += ".";
      }
      q.brief += line + "\n";
      q.brief_chunks.push_back(i);
    }
    return {std::move(q), {}};
  }

  // The card's first usable event: an LLM map's events, else a sentence of its gist.
  std::string EventOf(const envelope::Card& card) {
    std::vector<std::string> candidates = card.events;
    if (candidates.empty()) {
      for (const auto& s : segmenter_.Sentences(card.gist)) {
        candidates.emplace_back(TrimAsciiSpace(s.In(card.gist)));
      }
    }
    for (auto& c : candidates) {
      std::string event = text::FoldWhitespace(TrimAsciiSpace(c));
      while (!event.empty() &&
             (event.back() == '.' || event.back() == ';' || event.back() == ',')) {
        event.pop_back();
      }
      if (event.ends_with("。")) event.resize(event.size() - std::string_view("。").size());
      if (event.empty() || HasQuoteMark(event)) continue;
      if (chinese_) {
        const std::size_t n = text::CountCodePoints(event);
        if (n < kMinEventHan || n > kMaxEventHan) continue;
      } else {
        const std::size_t n = text::CountWords(event);
        if (n < kMinEventWords || n > kMaxEventWords) continue;
      }
      return event;
    }
    return {};
  }

  // Names from the cards, looked up in the text once: those mentioned at most
  // kMaxMentions times and only after the first heading.
  const std::vector<NameFacts>& Names() {
    if (names_) return *names_;
    names_.emplace();
    std::map<std::string, std::pair<std::size_t, std::size_t>> tally;  // name -> (cards, first)
    for (std::size_t i = 0; i < map_.cards.size(); ++i) {
      const auto& c = map_.cards[i];
      std::set<std::string> in_card;
      for (const auto* list : {&c.people, &c.places, &c.organisations, &c.names}) {
        for (const auto& raw : *list) {
          std::string name(TrimAsciiSpace(raw));
          if (!UsableName(name)) continue;
          in_card.insert(std::move(name));
        }
      }
      for (const auto& name : in_card) {
        auto [it, fresh] = tally.try_emplace(name, 0, i);
        ++it->second.first;
      }
    }
    std::vector<std::pair<std::pair<std::size_t, std::size_t>, std::string>> ranked;
    // A name on one card may be mentioned once; on many, more often than a question can
    // count: those in between are looked up, the most frequent first.
    for (const auto& [name, t] : tally) {
      if (t.first >= kMinNameCards && t.first <= kMaxNameCards) {
        ranked.push_back({{~t.first, t.second}, name});
      }
    }
    std::sort(ranked.begin(), ranked.end());
    if (ranked.size() > kMaxNamesLookedUp) ranked.resize(kMaxNamesLookedUp);
    for (auto& [key, name] : ranked) {
      NameFacts f;
      f.mentions = text::FindMentions(text_, name);
      if (f.mentions.empty() || f.mentions.size() > kMaxMentions) continue;
      bool outside = false;
      for (const std::size_t at : f.mentions) {
        const int chapter = text::HeadingIndexAt(table_.outline, at);
        if (chapter < 0) {
          outside = true;
          break;
        }
        if (f.chapters.empty() || f.chapters.back() != chapter) f.chapters.push_back(chapter);
      }
      if (outside) continue;
      f.name = std::move(name);
      names_->push_back(std::move(f));
    }
    return *names_;
  }

  // A label whose figure is stated in at least kMinAggregateSections sections, once in
  // each, and never mentioned without its figure or before the first heading: the sum a
  // reader of the whole document can make exactly.
  struct AggregateFacts {
    std::string label;
    long long total = 0;
    std::vector<uint32_t> chunks;
  };
  const std::vector<AggregateFacts>& Aggregates() {
    if (aggregates_) return *aggregates_;
    aggregates_.emplace();
    if (table_.outline.empty()) return *aggregates_;
    std::map<std::string, std::vector<text::StatedFigure>> by_label;
    for (auto& f : text::StatedFigures(text_)) by_label[f.label].push_back(std::move(f));
    for (auto& [label, figures] : by_label) {
      if (figures.size() < kMinAggregateSections) continue;
      std::set<int> sections;
      for (const auto& f : figures) sections.insert(text::HeadingIndexAt(table_.outline, f.at));
      if (sections.size() != figures.size() || sections.contains(-1)) continue;
      if (text::FindMentions(text_, label).size() != figures.size()) continue;
      AggregateFacts a;
      a.label = label;
      for (const auto& f : figures) {
        a.total += f.value;
        a.chunks.push_back(ChunkAt(f.at));
      }
      aggregates_->push_back(std::move(a));
    }
    return *aggregates_;
  }

  // A seeded pick among the names not asked about yet that are mentioned in
  // [min_chapters, max_chapters] chapters, marked as asked; nullptr when there is none.
  const NameFacts* PickName(std::size_t min_chapters, std::size_t max_chapters) {
    std::vector<const NameFacts*> eligible;
    for (const auto& f : Names()) {
      if (f.chapters.size() >= min_chapters && f.chapters.size() <= max_chapters &&
          !used_.contains(f.name)) {
        eligible.push_back(&f);
      }
    }
    if (eligible.empty()) return nullptr;
    const NameFacts* f = eligible[rng_.Between(0, eligible.size() - 1)];
    used_.insert(f->name);
    return f;
  }

  bool UsableName(std::string_view name) const {
    if (name.empty() || HasQuoteMark(name)) return false;
    if (text::ContainsCjk(name)) return text::CountCodePoints(name) >= 2;
    return name.size() >= 3;
  }

  uint32_t ChunkAt(std::size_t offset) const {
    const auto& chunks = table_.chunks;
    auto it =
        std::upper_bound(chunks.begin(), chunks.end(), offset,
                         [](std::size_t o, const envelope::ChunkRef& c) { return o < c.begin; });
    return it == chunks.begin() ? 0 : static_cast<uint32_t>(it - chunks.begin() - 1);
  }

  std::vector<uint32_t> ChunksOf(const NameFacts& f) const {
    std::vector<uint32_t> out;
    for (const std::size_t at : f.mentions) {
      const uint32_t c = ChunkAt(at);
      if (out.empty() || out.back() != c) out.push_back(c);
    }
    return out;
  }

  // What the document calls its chapters: the label of its first heading says.
  std::string FirstLabel() const {
    for (const auto& h : table_.outline) {
      const std::string label = text::HeadingLabel(h.title);
      if (label != h.title || label.starts_with("第")) return label;
    }
    return {};
  }
  std::string ZhUnit() const {
    const std::string label = FirstLabel();
    return label.ends_with("回") ? "回" : "章";
  }
  std::string EnUnit() const {
    const std::string label = text::FoldForMatching(FirstLabel());
    return label.starts_with("chapter") || label.starts_with("book") ? "chapter" : "section";
  }
  std::string EnUnits() const { return EnUnit() + "s"; }

  const envelope::ChunkTable& table_;
  const envelope::DocumentMap& map_;
  std::string_view text_;
  Rng rng_;
  bool chinese_ = false;
  text::Segmenter segmenter_;
  std::optional<std::vector<NameFacts>> names_;
  std::optional<std::vector<AggregateFacts>> aggregates_;
  std::set<std::string> used_;         // names asked about already
  std::set<std::size_t> used_chunks_;  // chunks a timeline took an event from
  std::set<std::string> arc_used_;     // subjects of arcs written already
};

// `count` of `kinds` in turn from a seeded start.
template <typename Out>
std::vector<Out> InTurn(Writer& writer, const std::vector<Out (Writer::*)()>& kinds, uint32_t count,
                        uint64_t seed) {
  std::vector<Out> out;
  for (uint32_t i = 0; i < count; ++i) out.push_back((writer.*kinds[(seed + i) % kinds.size()])());
  return out;
}

}  // namespace

std::vector<GenerationOutcome> WriteGlobalQuestions(const envelope::ChunkTable& table,
                                                    const envelope::DocumentMap& map,
                                                    std::string_view text, uint32_t count,
                                                    uint64_t seed) {
  std::vector<GenerationOutcome> out;
  if (count == 0) return out;
  Writer writer(table, map, text, seed);
  // Aggregates take their turn only in documents that state figures to add up.
  std::vector<GenerationOutcome (Writer::*)()> kinds = {&Writer::Timeline, &Writer::Count,
                                                        &Writer::FirstLast};
  if (writer.HasAggregates()) kinds.push_back(&Writer::Aggregate);
  out = InTurn(writer, kinds, count, seed);
  return out;
}

std::vector<MapSample> MapSamples(const envelope::ChunkTable& table,
                                  const envelope::DocumentMap& map, std::string_view text,
                                  const std::string& doc_id, uint32_t count, uint64_t seed) {
  std::vector<MapSample> out;
  if (count == 0) return out;
  Writer writer(table, map, text, seed ^ 0x6d6170ULL);
  out = InTurn<MapSample>(writer, {&Writer::Arc, &Writer::Compare, &Writer::Causal}, count, seed);
  for (auto& m : out) {
    if (m.sample) m.sample->doc_id = doc_id;
  }
  return out;
}

}  // namespace longforge::workers
