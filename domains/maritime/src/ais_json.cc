#include "issa/maritime/ais_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "issa/maritime/ais.h"

#include "ais_tables.h"

namespace issa::maritime {
namespace {

// Appends `"key":value` pairs of one JSON object.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void Key(std::string_view key) {
    out_.push_back(',');
    out_.push_back('"');
    out_.append(key);
    out_.append("\":", 2);
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out_.append(buf, static_cast<size_t>(r.ptr - buf));
  }
  void Bool(std::string_view key, bool v) {
    Key(key);
    out_.append(v ? "true" : "false");
  }
  void Raw(std::string_view key, std::string_view text) {
    Key(key);
    out_.append(text);
  }
  void Str(std::string_view key, std::string_view s) {
    Key(key);
    AppendString(s);
  }
  void AppendString(std::string_view s) {
    out_.push_back('"');
    for (const char c : s) {
      if (c == '"' || c == '\\') {
        out_.push_back('\\');
        out_.push_back(c);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
        out_.append(buf);
      } else {
        out_.push_back(c);
      }
    }
    out_.push_back('"');
  }
  // raw / div printed with `decimals` digits (printf "%.Nf" of the quotient), exactly.
  void Fixed(std::string_view key, int64_t raw, int64_t div, int decimals, bool quoted = false) {
    Key(key);
    if (quoted) out_.push_back('"');
    AppendFixed(raw, div, decimals);
    if (quoted) out_.push_back('"');
  }
  void AppendFixed(int64_t raw, int64_t div, int decimals) {
    int64_t p10 = 1;
    for (int i = 0; i < decimals; ++i) p10 *= 10;
    const bool negative = raw < 0;
    const int64_t a = negative ? -raw : raw;
    const int64_t num = a * p10;
    if ((num % div) * 2 == div) {  // an exact tie: printf rounds the binary double
      char buf[48];
      const int n = std::snprintf(buf, sizeof(buf), "%.*f", decimals,
                                  static_cast<double>(raw) / static_cast<double>(div));
      out_.append(buf, static_cast<size_t>(n));
      return;
    }
    const int64_t q = (num * 2 + div) / (2 * div);
    if (negative) out_.push_back('-');
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), q / p10);
    out_.append(buf, static_cast<size_t>(r.ptr - buf));
    if (decimals > 0) {
      out_.push_back('.');
      int64_t frac = q % p10;
      char digits[20];
      for (int i = decimals - 1; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
      }
      out_.append(digits, static_cast<size_t>(decimals));
    }
  }
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

std::string_view ShipTypeText(uint32_t v) {
  return v < detail::kShipTypeText.size() ? detail::kShipTypeText[v] : detail::kInvalidShipType;
}

class Renderer {
 public:
  Renderer(const AisMessage& m, const GpsdJsonOptions& o, std::string& out)
      : m_(m), scaled_(o.scaled), w_(out) {}

  uint32_t U(size_t start, size_t len) const { return m_.Bits(start, len); }
  int32_t S(size_t start, size_t len) const { return m_.SignedBits(start, len); }
  void Uint(std::string_view key, size_t start, size_t len) { w_.Int(key, U(start, len)); }
  void Bool(std::string_view key, size_t bit) { w_.Bool(key, m_.Flag(bit)); }
  void Text(std::string_view key, size_t start, size_t chars) {
    text_.clear();
    m_.AppendText(start, chars, text_);
    w_.Str(key, text_);
  }
  // Latitude / longitude in 1/10000 min (28/27-bit fields).
  void LonLat(size_t lon_at, size_t lat_at) {
    const int32_t lon = S(lon_at, 28);
    const int32_t lat = S(lat_at, 27);
    if (scaled_) {
      w_.Fixed("lon", lon, 600000, 6);
      w_.Fixed("lat", lat, 600000, 6);
    } else {
      w_.Int("lon", lon);
      w_.Int("lat", lat);
    }
  }
  // Speed over ground in 1/10 knot (1023 = not available).
  void Speed(size_t at) {
    const uint32_t v = U(at, 10);
    if (!scaled_) {
      w_.Int("speed", v);
    } else if (v == 1023) {
      w_.Raw("speed", "\"nan\"");
    } else {
      w_.Fixed("speed", v, 10, 1);
    }
  }
  void Course(size_t at) {
    const uint32_t v = U(at, 12);
    if (scaled_) {
      w_.Fixed("course", v, 10, 1);
    } else {
      w_.Int("course", v);
    }
  }
  void Epfd(size_t at) {
    const uint32_t v = U(at, 4);
    w_.Int("epfd", v);
    w_.Str("epfd_text", detail::kEpfdText[v]);
  }
  void ShipType(size_t at) {
    const uint32_t v = U(at, 8);
    w_.Int("shiptype", v);
    w_.Str("shiptype_text", ShipTypeText(v));
  }
  void Dimensions(size_t at) {
    Uint("to_bow", at, 9);
    Uint("to_stern", at + 9, 9);
    Uint("to_port", at + 18, 6);
    Uint("to_starboard", at + 24, 6);
  }
  // "data":"<bits>:<hex>" of bits [start, start + bits).
  void Data(size_t start, int64_t bits) {
    if (bits < 0) bits = 0;
    w_.Key("data");
    std::string& out = w_.out();
    out.push_back('"');
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof(buf), bits);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
    out.push_back(':');
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto bytes = static_cast<size_t>((bits + 7) / 8);
    for (size_t i = 0; i < bytes; ++i) {
      const size_t at = start + 8 * i;
      // Whole bytes, like gpsd: a last partial byte keeps the bits that follow the data.
      uint32_t b = U(at, 8);
      if (at + 8 > m_.bit_count) {  // bits past the payload (fill bits) read as zero
        const size_t keep = at < m_.bit_count ? m_.bit_count - at : 0;
        b &= (0xFFU << (8 - keep)) & 0xFFU;
      }
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 15U]);
    }
    out.push_back('"');
  }
  // Corner of a type 22/23 area: 18/17-bit lon/lat in 1/10 min; scaled as "%f" strings.
  void Corner(std::string_view key, int32_t raw) {
    if (scaled_) {
      w_.Fixed(key, raw, 600, 6, /*quoted=*/true);
    } else {
      w_.Int(key, raw);
    }
  }

  void Render();

 private:
  void PositionReport();  // 1, 2, 3
  void BaseStation();     // 4, 11
  void StaticVoyage();    // 5
  void Binary();          // 6, 8
  void Type9();
  void Type18();
  void Type19();
  void Type21();
  void Type22();
  void Type23();
  void Type24();
  void Type25And26();
  void Type27();

  const AisMessage& m_;
  bool scaled_;
  JsonWriter w_;
  std::string text_;
};

void Renderer::PositionReport() {
  const uint32_t status = U(38, 4);
  w_.Int("status", status);
  w_.Str("status_text", detail::kStatusText[status]);
  const int32_t turn = S(42, 8);
  if (!scaled_) {
    w_.Int("turn", turn);
  } else if (turn == -128) {
    w_.Raw("turn", "\"nan\"");
  } else if (turn == 127) {
    w_.Raw("turn", "\"fastright\"");
  } else if (turn == -127) {
    w_.Raw("turn", "\"fastleft\"");
  } else {
    // gpsd squares (turn / 4.733) and prints it "%.0f" (the sign is lost, as in gpsd).
    double rot = turn / 4.733;
    rot *= rot;
    w_.Int("turn", static_cast<int64_t>(std::nearbyint(rot)));
  }
  Speed(50);
  Bool("accuracy", 60);
  LonLat(61, 89);
  Course(116);
  Uint("heading", 128, 9);
  Uint("second", 137, 6);
  Uint("maneuver", 143, 2);
  Bool("raim", 148);
  // A short (163-167 bit) report: gpsd reads the radio field from the bits that are there.
  Uint("radio", 149, m_.bit_count < 168 ? m_.bit_count - 149U : 19);
}

void Renderer::BaseStation() {
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02uZ", U(38, 14),
                              U(52, 4), U(56, 5), U(61, 5), U(66, 6), U(72, 6));
  w_.Str("timestamp", std::string_view(buf, static_cast<size_t>(n)));
  Bool("accuracy", 78);
  LonLat(79, 107);
  Epfd(134);
  Bool("raim", 148);
  Uint("radio", 149, 19);
}

void Renderer::StaticVoyage() {
  Uint("imo", 40, 30);
  Uint("ais_version", 38, 2);
  Text("callsign", 70, 7);
  Text("shipname", 112, 20);
  ShipType(232);
  Dimensions(240);
  Epfd(270);
  char buf[32];
  const int n = std::snprintf(buf, sizeof(buf), "%02u-%02uT%02u:%02uZ", U(274, 4), U(278, 5),
                              U(283, 5), U(288, 6));
  w_.Str("eta", std::string_view(buf, static_cast<size_t>(n)));
  if (scaled_) {
    w_.Fixed("draught", U(294, 8), 10, 1);
  } else {
    Uint("draught", 294, 8);
  }
  Text("destination", 302, 20);
  Uint("dte", 422, 1);
}

void Renderer::Binary() {
  if (m_.type == 6) {
    Uint("seqno", 38, 2);
    Uint("dest_mmsi", 40, 30);
    Bool("retransmit", 70);
    Uint("dac", 72, 10);
    Uint("fid", 82, 6);
    Data(88, static_cast<int64_t>(m_.bit_count) - 88);
  } else {
    Uint("dac", 40, 10);
    Uint("fid", 50, 6);
    Data(56, static_cast<int64_t>(m_.bit_count) - 56);
  }
}

void Renderer::Type9() {
  const uint32_t alt = U(38, 12);
  if (scaled_ && alt == 4095) {
    w_.Raw("alt", "\"nan\"");
  } else {
    w_.Int("alt", alt);
  }
  const uint32_t speed = U(50, 10);
  if (scaled_ && speed == 1023) {
    w_.Raw("speed", "\"nan\"");
  } else {
    w_.Int("speed", speed);
  }
  Bool("accuracy", 60);
  LonLat(61, 89);
  Course(116);
  Uint("second", 128, 6);
  Uint("regional", 134, 8);
  Uint("dte", 142, 1);
  Bool("raim", 147);
  Uint("radio", 148, 20);
}

void Renderer::Type18() {
  Uint("reserved", 38, 8);
  Speed(46);
  Bool("accuracy", 56);
  LonLat(57, 85);
  Course(112);
  Uint("heading", 124, 9);
  Uint("second", 133, 6);
  Uint("regional", 139, 2);
  Bool("cs", 141);
  Bool("display", 142);
  Bool("dsc", 143);
  Bool("band", 144);
  Bool("msg22", 145);
  Bool("raim", 147);
  Uint("radio", 148, 20);
}

void Renderer::Type19() {
  Uint("reserved", 38, 8);
  Speed(46);
  Bool("accuracy", 56);
  LonLat(57, 85);
  Course(112);
  Uint("heading", 124, 9);
  Uint("second", 133, 6);
  Uint("regional", 139, 4);
  Text("shipname", 143, 20);
  ShipType(263);
  Dimensions(271);
  Epfd(301);
  Bool("raim", 305);
  Uint("dte", 306, 1);
  Bool("assigned", 307);
}

void Renderer::Type21() {
  const uint32_t aid = U(38, 5);
  w_.Int("aid_type", aid);
  w_.Str("aid_type_text", detail::kAidTypeText[aid]);
  // Name (20 characters) plus the name extension of up to 14 characters after bit 272.
  text_.clear();
  m_.AppendText(43, 20, text_);
  if (m_.bit_count > 272 && text_.size() == 20) m_.AppendText(272, (m_.bit_count - 272) / 6, text_);
  w_.Str("name", text_);
  if (scaled_) {
    LonLat(164, 192);
    Bool("accuracy", 163);
  } else {
    Bool("accuracy", 163);
    LonLat(164, 192);
  }
  Dimensions(219);
  Epfd(249);
  Uint("second", 253, 6);
  Uint("regional", 260, 8);
  Bool("off_position", 259);
  Bool("raim", 268);
  Bool("virtual_aid", 269);
}

void Renderer::Type22() {
  Uint("channel_a", 40, 12);
  Uint("channel_b", 52, 12);
  Uint("txrx", 64, 4);
  Bool("power", 68);
  const bool addressed = m_.Flag(139);
  if (addressed) {
    Uint("dest1", 69, 30);
    Uint("dest2", 104, 30);
  } else {
    Corner("ne_lon", S(69, 18));
    Corner("ne_lat", S(87, 17));
    Corner("sw_lon", S(104, 18));
    Corner("sw_lat", S(122, 17));
  }
  w_.Bool("addressed", addressed);
  Bool("band_a", 140);
  Bool("band_b", 141);
  Uint("zonesize", 142, 3);
}

void Renderer::Type23() {
  Corner("ne_lon", S(40, 18));
  Corner("ne_lat", S(58, 17));
  Corner("sw_lon", S(75, 18));
  Corner("sw_lat", S(93, 17));
  const uint32_t station = U(110, 4);
  w_.Int("stationtype", station);
  w_.Str("stationtype_text", detail::kStationTypeText[station]);
  ShipType(114);
  Uint("interval", 146, 4);
  Uint("quiet", 150, 4);
}

void Renderer::Type24() {
  const uint32_t part = U(38, 2);
  if (part == 0) {
    w_.Str("part", "A");
    Text("shipname", 40, 20);
    return;
  }
  w_.Str("part", part == 1 ? "B" : (part == 2 ? "C" : "D"));
  if (part != 1) return;
  ShipType(40);
  Text("vendorid", 48, 7);
  Uint("model", 66, 4);
  Uint("serial", 70, 20);
  Text("callsign", 90, 7);
  if (m_.mmsi / 10000000 == 98) {  // auxiliary craft: 98MIDxxxx
    Uint("mothership_mmsi", 132, 30);
  } else {
    Dimensions(132);
  }
}

void Renderer::Type25And26() {
  const bool addressed = m_.Flag(38);
  const bool structured = m_.Flag(39);
  w_.Bool("addressed", addressed);
  w_.Bool("structured", structured);
  size_t at = 40;
  uint32_t dest = 0;
  if (addressed) {
    dest = U(40, 30);
    at = 70;
  }
  w_.Int("dest_mmsi", dest);
  uint32_t app_id = 0;
  if (structured) {
    app_id = U(at, 16);
    at += 16;
  }
  w_.Int("app_id", app_id);
  int64_t end = m_.bit_count;
  if (m_.type == 26) end -= 20;  // communication state at the end
  Data(at, end - static_cast<int64_t>(at));
  if (m_.type == 26) {
    Uint("radio", m_.bit_count >= 20 ? m_.bit_count - 20U : 0, 20);
  }
}

void Renderer::Type27() {
  const uint32_t status = U(40, 4);
  if (scaled_) {
    w_.Str("status", detail::kStatusText[status]);
  } else {
    w_.Int("status", status);
  }
  Bool("accuracy", 38);
  const int32_t lon = S(44, 18);
  const int32_t lat = S(62, 17);
  if (scaled_) {
    w_.Fixed("lon", lon, 600, 1);
    w_.Fixed("lat", lat, 600, 1);
  } else {
    w_.Int("lon", lon);
    w_.Int("lat", lat);
  }
  Uint("speed", 79, 6);
  Uint("course", 85, 9);
  Bool("raim", 39);
  w_.Bool("gnss", m_.Flag(94));  // the raw bit, as gpsd prints it
}

void Renderer::Render() {
  switch (m_.type) {
    case 1:
    case 2:
    case 3:
      PositionReport();
      break;
    case 4:
    case 11:
      BaseStation();
      break;
    case 5:
      StaticVoyage();
      break;
    case 6:
    case 8:
      Binary();
      break;
    case 7:
    case 13:
      Uint("mmsi1", 40, 30);
      Uint("mmsi2", 72, 30);
      Uint("mmsi3", 104, 30);
      Uint("mmsi4", 136, 30);
      break;
    case 9:
      Type9();
      break;
    case 10:
      Uint("dest_mmsi", 40, 30);
      break;
    case 12:
      Uint("seqno", 38, 2);
      Uint("dest_mmsi", 40, 30);
      Bool("retransmit", 70);
      Text("text", 72, (m_.bit_count - 72) / 6);
      break;
    case 14:
      Text("text", 40, (m_.bit_count - 40) / 6);
      break;
    case 15:
      Uint("mmsi1", 40, 30);
      Uint("type1_1", 70, 6);
      Uint("offset1_1", 76, 12);
      Uint("type1_2", 90, 6);
      Uint("offset1_2", 96, 12);
      Uint("mmsi2", 110, 30);
      Uint("type2_1", 140, 6);
      Uint("offset2_1", 146, 12);
      break;
    case 16:
      Uint("mmsi1", 40, 30);
      Uint("offset1", 70, 12);
      Uint("increment1", 82, 10);
      if (m_.bit_count >= 144) {  // a second destination only in the 144-bit form
        Uint("mmsi2", 92, 30);
        Uint("offset2", 122, 12);
        Uint("increment2", 134, 10);
      } else {
        w_.Int("mmsi2", 0);
        w_.Int("offset2", 0);
        w_.Int("increment2", 0);
      }
      break;
    case 17:
      if (scaled_) {
        w_.Fixed("lon", S(40, 18), 600, 1);
        w_.Fixed("lat", S(58, 17), 600, 1);
      } else {
        w_.Int("lon", S(40, 18));
        w_.Int("lat", S(58, 17));
      }
      Data(80, static_cast<int64_t>(m_.bit_count) - 80);
      break;
    case 18:
      Type18();
      break;
    case 19:
      Type19();
      break;
    case 20:
      for (size_t i = 0; i < 4; ++i) {
        const size_t at = 40 + 30 * i;
        const char n = static_cast<char>('1' + i);
        char key[12];
        auto field = [&](std::string_view name) {
          const size_t len = name.size();
          name.copy(key, len);
          key[len] = n;
          return std::string_view(key, len + 1);
        };
        Uint(field("offset"), at, 12);
        Uint(field("number"), at + 12, 4);
        Uint(field("timeout"), at + 16, 3);
        Uint(field("increment"), at + 19, 11);
      }
      break;
    case 21:
      Type21();
      break;
    case 22:
      Type22();
      break;
    case 23:
      Type23();
      break;
    case 24:
      Type24();
      break;
    case 25:
    case 26:
      Type25And26();
      break;
    case 27:
      Type27();
      break;
    default:
      break;
  }
}

}  // namespace

void AppendGpsdJson(const AisMessage& msg, const GpsdJsonOptions& options, std::string& out) {
  out.append("{\"class\":\"AIS\"");
  JsonWriter w(out);
  w.Str("device", options.device);
  w.Int("type", msg.type);
  w.Int("repeat", msg.repeat);
  w.Int("mmsi", msg.mmsi);
  w.Bool("scaled", options.scaled);
  Renderer(msg, options, out).Render();
  out.push_back('}');
}

}  // namespace issa::maritime
