#include "longforge/text/chunker.h"

#include <deque>
#include <optional>
#include <stdexcept>
#include <string>

#include "longforge/common/utf8.h"
#include "longforge/text/segmenter.h"

namespace longforge::text {
namespace {

// A unit the packer does not cut further: a paragraph, a sentence, or a piece of an
// over-long sentence. `tokens` is the exact count of its own text.
struct Piece {
  std::size_t begin;
  std::size_t end;
  std::size_t tokens;
  bool paragraph;  // still whole, so it may be split into sentences
};

// Bounds the extra exact counts spent per chunk trying to squeeze in one more piece
// after the summed counts said no; each costs a pass over the chunk.
constexpr int kMaxSqueezeCounts = 4;

// A paragraph that does not fit is split into sentences to fill the chunk only when
// more than this fraction of the budget would otherwise stay empty: chunks then end at
// paragraph ends when they are nearly full anyway, and are never mostly empty.
constexpr std::size_t kSplitRoomDivisor = 5;

class Packer {
 public:
  Packer(std::string_view text, const TokenCounter& counter, std::size_t max_tokens)
      : text_(text), counter_(counter), max_(max_tokens), paragraphs_(Paragraphs(text)) {}

  std::vector<Chunk> Run() {
    while (true) {
      if (queue_.empty()) {
        if (next_paragraph_ == paragraphs_.size()) {
          if (current_.empty()) {
            break;
          }
          Close();  // may give pieces back to the queue
          continue;
        }
        const Span p = paragraphs_[next_paragraph_++];
        queue_.push_back({p.begin, p.end, Count(p.begin, p.end), true});
      }
      const Piece piece = queue_.front();
      if (current_.empty()) {
        // Only a whole paragraph can be over budget (or one code point: see chunker.h).
        if (piece.tokens <= max_ || !piece.paragraph) {
          Take(piece.tokens, true);
        } else {
          SplitFront();
        }
      } else if (tokens_ + piece.tokens <= max_) {
        Take(tokens_ + piece.tokens, false);
      } else if (const auto joined = Squeeze(piece)) {
        Take(*joined, true);
      } else if (piece.paragraph && max_ - tokens_ > max_ / kSplitRoomDivisor) {
        SplitFront();
      } else {
        Close();
      }
    }
    return std::move(chunks_);
  }

 private:
  std::size_t Count(std::size_t begin, std::size_t end) const {
    return counter_.Count(text_.substr(begin, end - begin));
  }

  void Take(std::size_t tokens, bool exact) {
    current_.push_back(queue_.front());
    queue_.pop_front();
    tokens_ = tokens;
    exact_ = exact || current_.size() == 1;
    if (current_.size() == 1) {
      squeezes_ = 0;
    }
  }

  // Summed counts over-estimate when a cut splits what the counter would merge (the
  // estimator rounds each ASCII run up; BPE merges across the cut), by about one token
  // per cut; only then is an exact count of the joined text worth its pass.
  std::optional<std::size_t> Squeeze(const Piece& piece) {
    if (squeezes_ >= kMaxSqueezeCounts || tokens_ + piece.tokens > max_ + current_.size()) {
      return std::nullopt;
    }
    ++squeezes_;
    const std::size_t joined = Count(current_.front().begin, piece.end);
    if (joined > max_) {
      return std::nullopt;
    }
    return joined;
  }

  // Emits the current chunk. Counts are not additive across cuts, so a chunk whose
  // count is a sum is counted exactly, giving pieces back to the queue while over.
  void Close() {
    const std::size_t begin = current_.front().begin;
    if (!exact_) {
      tokens_ = Count(begin, current_.back().end);
      while (tokens_ > max_ && current_.size() > 1) {
        queue_.push_front(current_.back());
        current_.pop_back();
        tokens_ = Count(begin, current_.back().end);
      }
    }
    chunks_.push_back({begin, current_.back().end, tokens_});
    current_.clear();
    tokens_ = 0;
  }

  // Replaces the paragraph at the front of the queue by its sentences, each over-long
  // sentence by pieces of it that fit.
  void SplitFront() {
    const Piece para = queue_.front();
    queue_.pop_front();
    if (!segmenter_) {
      segmenter_.emplace();  // ICU only for documents that need it
    }
    std::vector<Piece> pieces;
    for (const Span& s : segmenter_->Sentences(text_.substr(para.begin, para.end - para.begin))) {
      const std::size_t begin = para.begin + s.begin;
      const std::size_t end = para.begin + s.end;
      const std::size_t tokens = Count(begin, end);
      if (tokens <= max_) {
        pieces.push_back({begin, end, tokens, false});
      } else {
        HardSplit(begin, end, pieces);
      }
    }
    queue_.insert(queue_.begin(), pieces.begin(), pieces.end());
  }

  // Cuts [begin, end), which is over budget, into pieces that fit. For each piece:
  // grow a prefix by doubling until it no longer fits, binary-search the longest
  // fitting code-point prefix, then move the cut back to the last whitespace in the
  // second half of it so a word is not cut when that can be avoided.
  void HardSplit(std::size_t begin, std::size_t end, std::vector<Piece>& out) const {
    while (begin < end) {
      const std::string_view rest = text_.substr(begin, end - begin);
      std::size_t fit = 0;
      std::size_t fit_tokens = 0;
      std::size_t over = rest.size() + 1;  // smallest length known not to fit
      for (std::size_t guess = 4 * max_;; guess *= 2) {
        const std::size_t len = CodePointPrefix(rest, guess);
        if (len > fit) {
          const std::size_t tokens = Count(begin, begin + len);
          if (tokens > max_) {
            over = len;
            break;
          }
          fit = len;
          fit_tokens = tokens;
        }
        if (len == rest.size()) {
          break;
        }
      }
      while (true) {
        std::size_t mid = CodePointPrefix(rest, fit + (over - fit) / 2);
        if (mid <= fit) {
          if (fit == rest.size()) {
            break;
          }
          mid = DecodeUtf8(rest, fit).end();
        }
        if (mid >= over) {
          break;
        }
        const std::size_t tokens = Count(begin, begin + mid);
        if (tokens <= max_) {
          fit = mid;
          fit_tokens = tokens;
        } else {
          over = mid;
        }
      }
      if (fit == 0) {  // one code point over budget: the documented exception
        fit = DecodeUtf8(rest, 0).end();
        fit_tokens = Count(begin, begin + fit);
      }
      const std::size_t space = rest.find_last_of(" \t\n\r", fit - 1);
      if (fit < rest.size() && space != std::string_view::npos && space + 1 > fit / 2 &&
          space + 1 < fit) {
        const std::size_t tokens = Count(begin, begin + space + 1);
        if (tokens <= max_) {
          fit = space + 1;
          fit_tokens = tokens;
        }
      }
      out.push_back({begin, begin + fit, fit_tokens, false});
      begin += fit;
    }
  }

  std::string_view text_;
  const TokenCounter& counter_;
  std::size_t max_;
  std::vector<Span> paragraphs_;
  std::size_t next_paragraph_ = 0;
  std::deque<Piece> queue_;     // pieces not yet placed, in text order
  std::vector<Piece> current_;  // pieces of the chunk being filled
  std::size_t tokens_ = 0;      // of the current chunk: exact, or a sum if !exact_
  bool exact_ = true;
  int squeezes_ = 0;
  std::optional<Segmenter> segmenter_;
  std::vector<Chunk> chunks_;
};

}  // namespace

std::vector<std::string> ChunkOptions::Validate() const {
  std::vector<std::string> problems;
  if (max_tokens < 4) {
    problems.push_back("max_tokens must be at least 4 (got " + std::to_string(max_tokens) + ")");
  }
  return problems;
}

std::vector<Chunk> ChunkText(std::string_view text, const TokenCounter& counter,
                             const ChunkOptions& options) {
  if (const Status valid = InvalidOptions("chunk options", options.Validate()); !valid.ok()) {
    throw std::invalid_argument(valid.error().message);
  }
  return Packer(text, counter, options.max_tokens).Run();
}

}  // namespace longforge::text
