#pragma once
// The search index pass after a cycle's run (storage/search_index.hpp): it indexes the new
// versions the storage writer had no idle moment for. It runs beside the drift check and
// delivery, on a database connection and a thread of its own, so that the cycle's end
// waits for the slower of them instead of their sum (on PostgreSQL the index costs the
// server a few milliseconds a config: 4.8-13.5 s for a first cycle of 6,295 configs, as
// much as the writer left). A failure is logged, not the cycle's: the index is a shortcut
// for search (which reads configs not indexed yet in full), and the next pass catches up.
#include <cstdint>
#include <stop_token>
#include <thread>

#include "storage/database_location.hpp"

namespace nbsync::daemon {

struct SearchIndexPassResult {
  std::int64_t indexed = 0;
  double seconds = 0;
  bool failed = false;  // logged already
};

class SearchIndexPass {
public:
  // Starts the pass; `stop` ends it between batches (what it indexed stays).
  SearchIndexPass(const storage::DatabaseLocation& location, std::stop_token stop);
  ~SearchIndexPass();  // waits for the pass
  SearchIndexPass(const SearchIndexPass&) = delete;
  SearchIndexPass& operator=(const SearchIndexPass&) = delete;

  // Waits for the pass and says what it did.
  SearchIndexPassResult wait();

private:
  SearchIndexPassResult m_result;  // written by the thread until it is joined
  std::thread m_thread;
};

}  // namespace nbsync::daemon
