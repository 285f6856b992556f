#include "daemon/search_index_pass.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "storage/search_index.hpp"

namespace nbsync::daemon {
namespace {

SearchIndexPassResult run_pass(const storage::DatabaseLocation& location, const std::stop_token& stop) {
  const auto started = std::chrono::steady_clock::now();
  SearchIndexPassResult result;
  try {
    const std::unique_ptr<storage::Database> database = storage::open_database(location);
    result.indexed = storage::update_search_index(*database, stop);
  } catch (const std::exception& e) {
    result.failed = true;
    spdlog::warn(
        "cycle: the search index pass after the run failed ({}); searches read the configs not indexed yet "
        "in full, and the next cycle's pass tries again",
        e.what());
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

SearchIndexPass::SearchIndexPass(const storage::DatabaseLocation& location, std::stop_token stop)
    : m_thread([this, location, stop = std::move(stop)] { m_result = run_pass(location, stop); }) {}

SearchIndexPass::~SearchIndexPass() {
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

SearchIndexPassResult SearchIndexPass::wait() {
  if (m_thread.joinable()) {
    m_thread.join();
  }
  return m_result;
}

}  // namespace nbsync::daemon
