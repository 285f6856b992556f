#include "storage/detail/trigram_tokenizer.hpp"

#include <cstdint>
#include <vector>

namespace nbsync::storage::detail {
namespace {

// One per table and connection: the set of trigrams a document gave so far, as a bitmap
// of all 2^24 three-byte values (2 MiB, cleared through the list of bits it set).
struct TrigramTokenizer {
  std::vector<std::uint64_t> seen = std::vector<std::uint64_t>(std::size_t{1} << 18);
  std::vector<std::uint32_t> set_bits;
};

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
  auto& state = *reinterpret_cast<TrigramTokenizer*>(tokenizer);
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
      std::uint64_t& word = state.seen[key >> 6];
      const std::uint64_t bit = std::uint64_t{1} << (key & 63);
      if ((word & bit) != 0) {
        continue;
      }
      word |= bit;
      state.set_bits.push_back(key);
    }
    rc = emit(context, 0, token, 3, i, i + 3);
  }
  for (const std::uint32_t key : state.set_bits) {
    state.seen[key >> 6] = 0;
  }
  state.set_bits.clear();
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
