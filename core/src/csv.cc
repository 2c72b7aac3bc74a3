#include "issa/core/csv.h"

#include <fmt/format.h>

namespace issa::core {

bool CsvReader::Next(std::vector<std::string>& fields, uint64_t& line, std::string& error) {
  fields.clear();
  error.clear();
  if (options_.skip_blank_lines) {
    while (pos_ < text_.size() &&
           (text_[pos_] == '\r' || text_[pos_] == '\n' || text_[pos_] == '\x1a')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  if (pos_ >= text_.size()) return false;
  line = line_;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (;;) {
    if (pos_ >= text_.size()) {
      if (quoted) error = "unterminated quoted field";
      fields.push_back(std::move(field));
      return true;
    }
    const char ch = text_[pos_++];
    if (quoted) {
      if (ch == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line_;
        field.push_back(ch);
      }
    } else if (ch == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\r' && (pos_ >= text_.size() || text_[pos_] == '\n')) {
      // The CR of a CRLF line end (or of the text's end).
    } else if (ch == '\n') {
      ++line_;
      fields.push_back(std::move(field));
      return true;
    } else {
      field.push_back(ch);
    }
    if (field.size() > options_.max_field_bytes) {
      error = fmt::format("a field is longer than {} bytes", options_.max_field_bytes);
      SkipLine();
      return true;
    }
  }
}

void CsvReader::SkipLine() {
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  if (pos_ < text_.size()) {
    ++pos_;
    ++line_;
  }
}

}  // namespace issa::core
