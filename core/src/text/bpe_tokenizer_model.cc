// The merge loop. Short pieces (almost all of them) merge in a fixed array on the
// stack with a linear scan for the lowest rank; long pieces (whitespace runs, long
// CJK runs) use a linked list and a heap, O(n log n).

#include <algorithm>
#include <cstdio>
#include <functional>

#include "bpe_tokenizer_internal.h"

namespace longforge::text::bpe {
namespace {

constexpr std::size_t kShortPiece = 64;  // bytes; longer pieces take the heap path

}  // namespace

void PairTable::Reserve(std::size_t pairs) {
  std::size_t capacity = 16;
  while (capacity < pairs * 2) capacity *= 2;
  if (capacity <= slots_.size()) return;
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  size_ = 0;
  for (const Entry& e : old) {
    if (e.key != kEmpty) Insert(TokenId(e.key >> 32), TokenId(e.key), e.merge);
  }
}

void PairTable::Grow() { Reserve(slots_.empty() ? 8 : slots_.size()); }

void PairTable::Insert(TokenId left, TokenId right, Merge merge) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const std::uint64_t key = Key(left, right);
  for (std::size_t i = Slot(key);; i = (i + 1) & mask_) {
    Entry& e = slots_[i];
    if (e.key == key) {
      if (merge.rank < e.merge.rank) e.merge = merge;
      return;
    }
    if (e.key == kEmpty) {
      e = {key, merge};
      ++size_;
      return;
    }
  }
}

bool BpeModel::AddToken(std::string bytes, TokenId id) {
  return tokens_.emplace(std::move(bytes), id).second;
}

std::optional<TokenId> BpeModel::Find(std::string_view bytes) const {
  const auto it = tokens_.find(bytes);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

Status BpeModel::IndexBytes() {
  for (int b = 0; b < 256; ++b) {
    const auto id = Find(std::string(1, char(b)));
    if (!id) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      return Error::Stop(std::string("no token for the single byte ") + hex +
                         " (not a byte-level vocabulary)");
    }
    byte_ids_[b] = *id;
  }
  return Status::Ok();
}

void BpeModel::PairsFromRanks() {
  pairs_.Reserve(tokens_.size() * 4);
  for (const auto& [bytes, id] : tokens_) {
    const std::string_view t = bytes;
    for (std::size_t k = 1; k < t.size(); ++k) {
      const auto left = Find(t.substr(0, k));
      if (!left) continue;
      const auto right = Find(t.substr(k));
      if (right) pairs_.Insert(*left, *right, {id, id});
    }
  }
}

void BpeModel::EncodePiece(std::string_view piece, std::vector<TokenId>& out) const {
  if (piece.size() == 1) {
    out.push_back(byte_ids_[static_cast<std::uint8_t>(piece[0])]);
    return;
  }
  if (whole_piece_lookup_) {
    if (const auto id = Find(piece)) {
      out.push_back(*id);
      return;
    }
  }
  if (piece.size() <= kShortPiece) {
    MergeShort(piece, out);
  } else {
    MergeLong(piece, out);
  }
}

void BpeModel::MergeShort(std::string_view piece, std::vector<TokenId>& out) const {
  struct Part {
    TokenId id;
    PairTable::Merge with_next;  // the merge of this part with the following one
  };
  Part parts[kShortPiece];
  std::size_t n = piece.size();
  for (std::size_t i = 0; i < n; ++i) parts[i].id = byte_ids_[std::uint8_t(piece[i])];
  for (std::size_t i = 0; i + 1 < n; ++i) {
    parts[i].with_next = pairs_.Find(parts[i].id, parts[i + 1].id);
  }
  parts[n - 1].with_next = {};
  while (n > 1) {
    std::uint32_t best = kNoRank;
    std::size_t at = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (parts[i].with_next.rank < best) {
        best = parts[i].with_next.rank;
        at = i;
      }
    }
    if (best == kNoRank) break;
    parts[at].id = parts[at].with_next.id;
    std::copy(parts + at + 2, parts + n, parts + at + 1);
    --n;
    parts[at].with_next =
        at + 1 < n ? pairs_.Find(parts[at].id, parts[at + 1].id) : PairTable::Merge{};
    if (at > 0) parts[at - 1].with_next = pairs_.Find(parts[at - 1].id, parts[at].id);
  }
  for (std::size_t i = 0; i < n; ++i) out.push_back(parts[i].id);
}

void BpeModel::MergeLong(std::string_view piece, std::vector<TokenId>& out) const {
  struct Node {
    TokenId id;
    std::uint32_t prev;  // index of the previous live node, or kNone
    std::uint32_t next;  // index of the next live node, or kNone
    bool alive;
  };
  // A possible merge of node `pos` with its next node, valid while both still hold
  // the ids it was computed from (ids only ever change into longer tokens).
  struct Candidate {
    std::uint32_t rank;
    std::uint32_t pos;
    TokenId left_id;
    TokenId right_id;
    TokenId merged_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  constexpr std::uint32_t kNone = kNoRank;
  thread_local std::vector<Node> nodes;
  thread_local std::vector<Candidate> heap;

  const auto n = static_cast<std::uint32_t>(piece.size());
  nodes.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    nodes[i] = {byte_ids_[std::uint8_t(piece[i])], i == 0 ? kNone : i - 1,
                i + 1 == n ? kNone : i + 1, true};
  }
  heap.clear();
  auto consider = [&](std::uint32_t pos) {
    const std::uint32_t next = nodes[pos].next;
    if (next == kNone) return;
    const PairTable::Merge m = pairs_.Find(nodes[pos].id, nodes[next].id);
    if (m.rank == kNoRank) return;
    heap.push_back({m.rank, pos, nodes[pos].id, nodes[next].id, m.id});
    std::push_heap(heap.begin(), heap.end(), std::greater<>{});
  };
  for (std::uint32_t i = 0; i + 1 < n; ++i) consider(i);

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const Candidate c = heap.back();
    heap.pop_back();
    Node& left = nodes[c.pos];
    if (!left.alive || left.id != c.left_id || left.next == kNone) continue;
    Node& right = nodes[left.next];
    if (right.id != c.right_id) continue;
    left.id = c.merged_id;
    left.next = right.next;
    right.alive = false;
    if (left.next != kNone) nodes[left.next].prev = c.pos;
    if (left.prev != kNone) consider(left.prev);
    consider(c.pos);
  }
  for (std::uint32_t i = 0; i != kNone; i = nodes[i].next) out.push_back(nodes[i].id);
}

}  // namespace longforge::text::bpe
