#include "daemon/drift_renders.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <thread>

namespace nbsync::daemon {
namespace {

// One render; a failure, never an exception: out of a render thread it would end the daemon.
inventory::RenderAnswer ask(inventory::ConfigRenderer& renderer, std::int64_t device_id) {
  try {
    return renderer.render(device_id);
  } catch (const std::exception& e) {
    return {inventory::RenderStatus::failed, "", e.what()};
  }
}

}  // namespace

DriftRenders::DriftRenders(const inventory::NetboxEndpoint& endpoint) {
  for (int i = 0; i < k_at_once; ++i) {
    m_renderers.push_back(std::make_unique<inventory::ConfigRenderer>(endpoint));
  }
}

std::vector<inventory::RenderAnswer> DriftRenders::render(const std::vector<std::int64_t>& device_ids) {
  std::vector<inventory::RenderAnswer> answers(device_ids.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> forbidden{false};
  if (!m_asked_once && !device_ids.empty()) {
    // The first render alone: a token that may not render costs NetBox one request, not four.
    m_asked_once = true;
    answers[0] = ask(*m_renderers[0], device_ids[0]);
    forbidden = answers[0].status == inventory::RenderStatus::forbidden;
    next = 1;
  }
  const auto work = [&](inventory::ConfigRenderer& renderer) {
    for (std::size_t i = next++; i < device_ids.size(); i = next++) {
      if (forbidden) {
        answers[i].status = inventory::RenderStatus::forbidden;
        continue;
      }
      answers[i] = ask(renderer, device_ids[i]);
      if (answers[i].status == inventory::RenderStatus::forbidden) {
        forbidden = true;
      }
    }
  };
  const std::size_t threads = std::min(m_renderers.size(), device_ids.size());
  std::vector<std::jthread> running;
  for (std::size_t t = 1; t < threads; ++t) {
    running.emplace_back(work, std::ref(*m_renderers[t]));
  }
  if (threads > 0) {
    work(*m_renderers[0]);  // this thread is the first of them
  }
  running.clear();  // joins them: every answer is written
  return answers;
}

}  // namespace nbsync::daemon
