#include "storage/detail/trigram_tokenizer.hpp"

#include <cstdint>
#include <vector>

namespace nbsync::storage::detail {
namespace {

// The trigrams a document gave so far: an open-addressing set small enough to stay in
// the CPU cache (a config has a few thousand distinct trigrams), grown when it fills up
// to half, and cleared through the list of slots it used. One per thread, however many
// tokenizer instances FTS5 creates.
class SeenTrigrams {
public:
  // True when `key` (three bytes, never 0xffffffff) was not in the set yet.
  bool insert(std::uint32_t key) {
    if ((m_used.size() + 1) * 2 > m_slots.size()) {
      grow();
    }
    std::size_t slot = hash(key) & (m_slots.size() - 1);
    while (m_slots[slot] != k_empty) {
      if (m_slots[slot] == key) {
        return false;
      }
      slot = (slot + 1) & (m_slots.size() - 1);
    }
    m_slots[slot] = key;
    m_used.push_back(static_cast<std::uint32_t>(slot));
    return true;
  }

  void clear() {
    for (const std::uint32_t slot : m_used) {
      m_slots[slot] = k_empty;
    }
    m_used.clear();
  }

private:
  static constexpr std::uint32_t k_empty = 0xffffffffU;
  static std::size_t hash(std::uint32_t key) { return (key * 2654435761U) >> 8; }

  void grow() {
    std::vector<std::uint32_t> keys;
    keys.reserve(m_used.size());
    for (const std::uint32_t slot : m_used) {
      keys.push_back(m_slots[slot]);
    }
    m_slots.assign(m_slots.size() * 2, k_empty);
    m_used.clear();
    for (const std::uint32_t key : keys) {
      insert(key);
    }
  }

  std::vector<std::uint32_t> m_slots = std::vector<std::uint32_t>(8192, k_empty);
  std::vector<std::uint32_t> m_used;
};

SeenTrigrams& seen_trigrams() {
  thread_local SeenTrigrams seen;
  return seen;
}

struct TrigramTokenizer {};

unsigned char fold(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u + ('a' - 'A')) : u;
}

int create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new (std::nothrow) TrigramTokenizer);
  return *out == nullptr ? SQLITE_NOMEM : SQLITE_OK;
}

void destroy(Fts5Tokenizer* tokenizer) {
  delete reinterpret_cast<TrigramTokenizer*>(tokenizer);
}

int tokenize(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int size,
             int (*emit)(void*, int, const char*, int, int, int)) {
  static_cast<void>(tokenizer);
  SeenTrigrams& state = seen_trigrams();
  const bool distinct = (flags & FTS5_TOKENIZE_DOCUMENT) != 0;
  int rc = SQLITE_OK;
  char token[3];
  for (int i = 0; i + 3 <= size && rc == SQLITE_OK; ++i) {
    if (text[i] == '\n' || text[i + 1] == '\n' || text[i + 2] == '\n') {
      continue;  // a trigram never spans lines: search matches line by line
    }
    token[0] = static_cast<char>(fold(text[i]));
    token[1] = static_cast<char>(fold(text[i + 1]));
    token[2] = static_cast<char>(fold(text[i + 2]));
    if (distinct) {
      const std::uint32_t key = (static_cast<std::uint32_t>(static_cast<unsigned char>(token[0])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(token[1])) << 8) |
                                static_cast<unsigned char>(token[2]);
      if (!state.insert(key)) {
        continue;
      }
    }
    rc = emit(context, 0, token, 3, i, i + 3);
  }
  state.clear();
  return rc;
}

fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  return api;
}

}  // namespace

int register_trigram_tokenizer(sqlite3* db) {
  fts5_api* api = fts5_api_of(db);
  if (api == nullptr) {
    return SQLITE_ERROR;  // SQLite built without FTS5
  }
  fts5_tokenizer tokenizer{create, destroy, tokenize};
  return api->xCreateTokenizer(api, k_trigram_tokenizer, nullptr, &tokenizer, nullptr);
}

}  // namespace nbsync::storage::detail
