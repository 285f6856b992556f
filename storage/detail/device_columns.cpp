#include "storage/detail/device_columns.hpp"

#include <SQLiteCpp/Column.h>

namespace nbsync::storage::detail {
namespace {

// `text(i)` reads column `first + i` as text; the id (column `first`) is read apart.
template <typename TextAt>
DeviceRecord device_from(std::int64_t id, const TextAt& text) {
  DeviceRecord record;
  record.id = id;
  record.name = text(1);
  record.site = text(2);
  record.role = text(3);
  record.platform = text(4);
  record.tenant = text(5);
  record.status = text(6);
  record.address = text(7);
  record.tags = split_tags(text(8));
  return record;
}

}  // namespace

DeviceRecord device_from_columns(const SqlRows& row, int first) {
  return device_from(row.integer(first), [&](int i) { return row.text(first + i); });
}

DeviceRecord device_from_columns(SQLite::Statement& row, int first) {
  return device_from(row.getColumn(first).getInt64(), [&](int i) { return row.getColumn(first + i).getString(); });
}

std::string join_tags(const std::vector<std::string>& tags) {
  std::string joined;
  for (const auto& tag : tags) {
    joined.append(joined.empty() ? "" : ",").append(tag);
  }
  return joined;
}

std::vector<std::string> split_tags(const std::string& joined) {
  std::vector<std::string> tags;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = joined.find(',', start);
    const std::size_t end = comma == std::string::npos ? joined.size() : comma;
    if (end > start) {
      tags.push_back(joined.substr(start, end - start));
    }
    start = end + 1;
  }
  return tags;
}

}  // namespace nbsync::storage::detail
