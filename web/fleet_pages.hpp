#pragma once
// The fleet pages as HTML: the last cycles, the failing devices by outcome, recent changes
// (filters: since or from/to dates, site, role, platform), search across the latest configs, and the
// compliance report. Each shows one page of its answer and says "showing N of M", with
// links to the pages around it. Every value from the database or the request is escaped.
#include <string>

#include "storage/device_filter.hpp"
#include "web/changes_window.hpp"
#include "web/fleet_queries.hpp"
#include "web/html.hpp"

namespace nbsync::web {

// The form values a page was asked with, shown again in its form and kept in its page links.
struct ChangesQuery {
  ChangesTimeParams time;
  storage::DeviceFilter filter;
};
struct SearchQuery {
  std::string regex;
  storage::DeviceFilter filter;
};

std::string cycles_page(const PageFrame& frame, const CyclesAnswer& answer, const PageSlice& slice);
std::string failing_page(const PageFrame& frame, const FailingAnswer& answer, const PageSlice& slice);
std::string changes_page(const PageFrame& frame, const ChangesQuery& query, const ChangesWindow& window,
                         const ChangesAnswer& answer, const PageSlice& slice);
// `answer` is nullopt when no pattern was given (the form alone), `problem` a bad pattern's message.
std::string search_page(const PageFrame& frame, const SearchQuery& query, const std::optional<SearchAnswer>& answer,
                        const std::string& problem, const PageSlice& slice);
std::string compliance_page(const PageFrame& frame, const ComplianceAnswer& answer, const PageSlice& slice);
std::string drift_page(const PageFrame& frame, const DriftQuery& query, const DriftAnswer& answer,
                       const PageSlice& slice);

}  // namespace nbsync::web
