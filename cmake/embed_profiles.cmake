# Writes OUTPUT: a C++ file defining nbsync::backup::detail::shipped_profiles() with the
# text of every *.toml in PROFILE_DIR. Run at build time (cmake -P), so editing a profile
# rebuilds nbsync.
file(GLOB profiles "${PROFILE_DIR}/*.toml")
list(SORT profiles)
set(body "")
foreach(profile IN LISTS profiles)
  get_filename_component(name "${profile}" NAME)
  file(READ "${profile}" text)
  string(APPEND body "      {\"${name}\", R\"nbsync_profile(${text})nbsync_profile\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from backup/profiles/*.toml by cmake/embed_profiles.cmake. Do not edit.
#include \"backup/detail/shipped_profiles.hpp\"

namespace nbsync::backup::detail {

const std::vector<std::pair<std::string_view, std::string_view>>& shipped_profiles() {
  static const std::vector<std::pair<std::string_view, std::string_view>> k_profiles = {
${body}  };
  return k_profiles;
}

}  // namespace nbsync::backup::detail
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
