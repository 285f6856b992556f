#include "storage/detail/trigram_tokenizer.hpp"

#include <cstdint>
#include <new>
#include <string_view>

namespace nbsync::storage::detail {
namespace {

struct TrigramTokenizer {
  const CommonTrigrams* common;  // left out of documents; may be empty
};

int create(void* common, const char**, int, Fts5Tokenizer** out) {
  *out =
      reinterpret_cast<Fts5Tokenizer*>(new (std::nothrow) TrigramTokenizer{static_cast<const CommonTrigrams*>(common)});
  return *out == nullptr ? SQLITE_NOMEM : SQLITE_OK;
}

void destroy(Fts5Tokenizer* tokenizer) {
  delete reinterpret_cast<TrigramTokenizer*>(tokenizer);
}

int emit_key(void* context, std::uint32_t key, std::size_t offset,
             int (*emit)(void*, int, const char*, int, int, int)) {
  const char token[3] = {static_cast<char>(key >> 16), static_cast<char>(key >> 8), static_cast<char>(key)};
  return emit(context, 0, token, 3, static_cast<int>(offset), static_cast<int>(offset + 3));
}

int tokenize(Fts5Tokenizer* tokenizer, void* context, int flags, const char* text, int size,
             int (*emit)(void*, int, const char*, int, int, int)) {
  const std::string_view view(text, static_cast<std::size_t>(size));
  int rc = SQLITE_OK;
  if ((flags & FTS5_TOKENIZE_DOCUMENT) != 0) {
    const CommonTrigrams& common = *reinterpret_cast<TrigramTokenizer*>(tokenizer)->common;
    for_each_distinct_trigram(view, [&](std::uint32_t key, std::size_t offset) {
      if (!common.contains(key)) {
        rc = emit_key(context, key, offset, emit);
      }
      return rc == SQLITE_OK;
    });
    return rc;
  }
  // A query: every trigram (config_search leaves the common ones out of its queries).
  for (std::size_t i = 0; i + 3 <= view.size() && rc == SQLITE_OK; ++i) {
    if (view[i] != '\n' && view[i + 1] != '\n' && view[i + 2] != '\n') {
      rc = emit_key(context, trigram_key(view.data() + i), i, emit);
    }
  }
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

int register_trigram_tokenizer(sqlite3* db, const CommonTrigrams& common) {
  fts5_api* api = fts5_api_of(db);
  if (api == nullptr) {
    return SQLITE_ERROR;  // SQLite built without FTS5
  }
  fts5_tokenizer tokenizer{create, destroy, tokenize};
  return api->xCreateTokenizer(api, k_trigram_tokenizer, const_cast<CommonTrigrams*>(&common), &tokenizer, nullptr);
}

}  // namespace nbsync::storage::detail
