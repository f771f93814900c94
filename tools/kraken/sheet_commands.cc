// `kraken sheet show TAB [--range A1:F20]`: a tab of the configured spreadsheet
// (Google Sheets, or the embedded emulator) as a table for people, or as JSON.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "events/json_text.h"
#include "src/sheets/a1.h"
#include "src/sheets/sheets_client.h"
#include "src/sheets_emulator/embedded_backend.h"
#include "tools/kraken/cli_context.h"
#include "tools/kraken/text_table.h"

namespace kraken::cli {
namespace {

using sheets::A1Range;
using sheets::Cell;
using sheets::ValueRange;

struct ShowArgs {
  std::string tab;
  std::string range;
};

Result<A1Range> RangeToShow(const ShowArgs& args) {
  A1Range range;
  if (!args.range.empty()) {
    auto parsed = sheets::ParseA1(args.range);
    if (!parsed.ok() || !parsed->sheet.empty()) {
      return Usage(
          fmt::format("--range '{}' is not a range of cells such as A1:F20, A:C or 2:10 "
                      "(the tab is the first argument)",
                      args.range));
    }
    range = *parsed;
  }
  range.sheet = args.tab;
  return range;
}

// Google answers an unknown tab with "Unable to parse range"; say which tabs exist.
Error ExplainFailure(sheets::SheetsClient& client, const std::string& tab, Error error) {
  if (error.code != ErrorCode::kInvalidArgument) return error;
  auto info = client.GetSpreadsheet();
  if (!info.ok() || info->Find(tab)) return error;
  std::string tabs;
  for (const auto& s : info->sheets) tabs += (tabs.empty() ? "" : ", ") + s.title;
  return MakeError(ErrorCode::kNotFound,
                   fmt::format("the spreadsheet has no tab '{}'; its tabs are: {}", tab,
                               tabs.empty() ? "(none)" : tabs));
}

std::string CellJson(const Cell& c) {
  switch (c.kind()) {
    case Cell::Kind::kString:
      return JsonString(c.text());
    case Cell::Kind::kNumber: {
      JsonWriter w;
      w.Double(c.number());
      return w.Take();
    }
    case Cell::Kind::kBool:
      return c.boolean() ? "true" : "false";
    case Cell::Kind::kEmpty:
      break;
  }
  return "null";
}

std::string ShowJson(const std::string& backend, const ValueRange& values) {
  std::string out = "{\"backend\":" + JsonString(backend) +
                    ",\"range\":" + JsonString(values.range) + ",\"rows\":[";
  for (std::size_t r = 0; r < values.rows.size(); ++r) {
    out += r ? ",[" : "[";
    for (std::size_t c = 0; c < values.rows[r].size(); ++c) {
      out += (c ? "," : "") + CellJson(values.rows[r][c]);
    }
    out += "]";
  }
  return out + "]}\n";
}

// Column letters across the top and row numbers down the side, as in the sheet;
// columns empty to the right of the data are left out.
std::string ShowText(const std::string& backend, const ValueRange& values) {
  const auto echo = sheets::ParseA1(values.range);
  const int first_row = echo.ok() ? echo->start_row.value_or(0) : 0;
  const int first_col = echo.ok() ? echo->start_col.value_or(0) : 0;
  std::size_t used = 0;
  for (const auto& row : values.rows) {
    for (std::size_t c = row.size(); c > used; --c) {
      if (!row[c - 1].empty()) {
        used = c;
        break;
      }
    }
  }
  std::string out = fmt::format("{} in {}\n", values.range, backend);
  if (used == 0) return out + "(no values)\n";
  std::vector<std::string> header{""};
  for (std::size_t c = 0; c < used; ++c) {
    header.push_back(sheets::ColumnLetters(first_col + static_cast<int>(c)));
  }
  TextTable table(std::move(header));
  for (std::size_t r = 0; r < values.rows.size(); ++r) {
    std::vector<std::string> line{std::to_string(first_row + static_cast<int>(r) + 1)};
    for (std::size_t c = 0; c < used; ++c) line.push_back(values.rows[r][c].ToDisplay());
    table.AddRow(std::move(line));
  }
  return out + table.Render();
}

Status Show(CliContext& ctx, const ShowArgs& args) {
  KRAKEN_ASSIGN_OR_RETURN(A1Range range, RangeToShow(args));
  KRAKEN_ASSIGN_OR_RETURN(const Config* config, ctx.config());
  KRAKEN_ASSIGN_OR_RETURN(std::unique_ptr<sheets::SheetsBackend> backend,
                          sheets::OpenSheetsBackend(*config));
  sheets::SheetsClient& client = backend->client();
  // People see what the sheet shows (dates as dates); scripts get typed values.
  auto read = client.BatchGet({sheets::FormatA1ForRequest(range)},
                              ctx.json ? sheets::ValueRenderOption::kUnformattedValue
                                       : sheets::ValueRenderOption::kFormattedValue);
  if (!read.ok()) return ExplainFailure(client, args.tab, read.take_error());
  const ValueRange& values = read->front();
  Print(ctx.json ? ShowJson(backend->description(), values)
                 : ShowText(backend->description(), values));
  return Ok{};
}

}  // namespace

void AddSheetCommands(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ShowArgs>();
  CLI::App* sheet =
      app.add_subcommand("sheet",
                         "Look at the spreadsheet (Google Sheets or the embedded emulator)")
          ->require_subcommand(1);
  CLI::App* show = sheet->add_subcommand(
      "show", "Print a tab as a table: kraken sheet show TAB [--range A1:F20]");
  show->add_option("tab", args->tab, "The tab's title, e.g. Pilots")->required();
  show->add_option("--range", args->range, "Only these cells, e.g. A1:F20 (default: the tab)");
  show->callback(ctx.Run([&ctx, args] { return Show(ctx, *args); }));
}

}  // namespace kraken::cli
