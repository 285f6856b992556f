#include "backup/outcome.hpp"

#include <gtest/gtest.h>

namespace nbsync::backup {
namespace {

TEST(Outcome, NamesRoundTrip) {
  for (auto kind :
       {OutcomeKind::ok, OutcomeKind::connect, OutcomeKind::auth, OutcomeKind::timeout, OutcomeKind::host_key_mismatch,
        OutcomeKind::too_large, OutcomeKind::incomplete, OutcomeKind::protocol, OutcomeKind::skipped}) {
    EXPECT_EQ(outcome_kind_from_string(to_string(kind)), kind);
  }
  EXPECT_FALSE(outcome_kind_from_string("fine"));
}

TEST(Outcome, OnlyTransientFailuresAreRetried) {
  EXPECT_TRUE(is_retryable(OutcomeKind::connect));
  EXPECT_TRUE(is_retryable(OutcomeKind::timeout));
  EXPECT_TRUE(is_retryable(OutcomeKind::incomplete));
  EXPECT_FALSE(is_retryable(OutcomeKind::auth));               // would lock accounts
  EXPECT_FALSE(is_retryable(OutcomeKind::host_key_mismatch));  // needs an operator
  EXPECT_FALSE(is_retryable(OutcomeKind::too_large));
  EXPECT_FALSE(is_retryable(OutcomeKind::ok));
}

}  // namespace
}  // namespace nbsync::backup
