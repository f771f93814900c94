#pragma once
// The fixture shared by RosterService's tests (roster_service_test.cc and
// roster_service_permissions_test.cc): a sample alliance in a real event log.

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/app/roster_service.h"
#include "tests/src/app/app_test_support.h"

namespace kraken::testing {

class RosterServiceTest : public ::testing::Test {
 protected:
  explicit RosterServiceTest(Schema schema = Schema::Core()) : roster_(std::move(schema)) {}
  void SetUp() override { roster_.AddSampleAlliance(); }

  RosterService& service() { return roster_.service(); }
  std::optional<std::string> Pilot(std::string_view name, std::string_view column) {
    return roster_.Get(Table::kPilot, name, column);
  }
  std::optional<std::string> Corp(std::string_view ticker, std::string_view column) {
    return roster_.Get(Table::kCorp, ticker, column);
  }
  // Expects `result` to fail with `code`, and the log to be as it was.
  template <typename T>
  std::string ExpectRefused(const Result<T>& result, ErrorCode code, std::uint64_t head_before) {
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(roster_.Head(), head_before) << "a failed command appended events";
    if (result.ok()) return "";
    EXPECT_EQ(result.error().code, code) << result.error().message;
    return result.error().message;
  }

  TestRoster roster_;
};

}  // namespace kraken::testing
