#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

SqlParams& SqlParams::add(std::int64_t value) {
  m_values.push_back({Kind::integer, value, {}});
  return *this;
}

SqlParams& SqlParams::add(std::string_view text) {
  m_values.push_back({Kind::text, 0, std::string(text)});
  return *this;
}

SqlParams& SqlParams::add(const std::optional<std::int64_t>& value) {
  return value ? add(*value) : add_null();
}

SqlParams& SqlParams::add_blob(std::string_view bytes) {
  m_values.push_back({Kind::blob, 0, std::string(bytes)});
  return *this;
}

SqlParams& SqlParams::add_null() {
  m_values.push_back({Kind::null, 0, {}});
  return *this;
}

SqlParams& SqlParams::add(Value value) {
  m_values.push_back(std::move(value));
  return *this;
}

std::int64_t query_integer(SqlConnection& connection, std::string_view sql, const SqlParams& params,
                           std::int64_t otherwise) {
  const std::unique_ptr<SqlRows> rows = connection.query(sql, params);
  return rows->next() ? rows->integer(0) : otherwise;
}

}  // namespace nbsync::storage::detail
