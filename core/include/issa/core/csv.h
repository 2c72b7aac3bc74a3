#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

// An RFC 4180 reader over text held in memory: Next() fills the fields of the next record
// (quotes removed, doubled quotes undone; a quote opens a quoted field only at its start) and
// says on which line the record began. Line ends are LF or CRLF. Used by the parsers of outside
// CSV (OFAC lists, SAR detections); the caller decides what a record means.
namespace issa::core {

struct CsvOptions {
  // A field longer than this makes its record malformed (the rest of its line is skipped).
  size_t max_field_bytes = std::numeric_limits<size_t>::max();
  // Skip empty lines (and the DOS end-of-file mark 0x1A) between records instead of returning
  // them as a record of one empty field.
  bool skip_blank_lines = false;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text, CsvOptions options = {})
      : text_(text), options_(options) {}

  // False at the end. On a malformed record (a quote that never closes, which ends the text; an
  // oversized field) returns true with `error` set, naming what is wrong.
  bool Next(std::vector<std::string>& fields, uint64_t& line, std::string& error);

 private:
  void SkipLine();

  std::string_view text_;
  CsvOptions options_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
};

}  // namespace issa::core
