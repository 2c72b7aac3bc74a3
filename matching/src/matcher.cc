#include "issa/matching/matcher.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include "issa/core/shared_mutex.h"

#include "name_index.h"
#include "normalise.h"
#include "record_features.h"

namespace issa::matching {
namespace {

using detail::CountryCode;
using detail::DateMatch;
using detail::Gender;
using detail::Identifier;
using detail::IdKind;
using detail::Kind;
using detail::kNone;
using detail::NameIndex;
using detail::NameMatch;
using detail::NameQuery;
using detail::PartialDate;
using detail::RecordFeatures;
using detail::Scratch;

// ---- Features (bits while scoring, names in the result) ---------------------------------------

enum Feature : uint8_t {
  kFeatName,
  kFeatNameFuzzy,
  kFeatNamePartial,
  kFeatNameCommon,
  kFeatAlias,
  kFeatNotName,
  kFeatBirthDate,
  kFeatBirthDateSwapped,
  kFeatBirthDateMonth,
  kFeatBirthDateYear,
  kFeatNotBirthDate,
  kFeatNationality,
  kFeatNotNationality,
  kFeatNotGender,
  kFeatCountry,
  kFeatNotCountry,
  kFeatDocumentNumber,
  kFeatNotIssuingCountry,
  kFeatImo,
  kFeatNotImo,
  kFeatMmsi,
  kFeatNotMmsi,
  kFeatCallSign,
  kFeatNotCallSign,
  kFeatIban,
  kFeatNotIban,
  kFeatBic,
  kFeatAccountNumber,
  kFeatLei,
  kFeatNotLei,
  kFeatRegistrationNumber,
  kFeatRegistration,
  kFeatNotRegistration,
  kFeatIcao24,
  kFeatNotIcao24,
  kFeatCount,
};

constexpr std::array<std::string_view, kFeatCount> kFeatureNames = {
    "name",
    "name~fuzzy",
    "name~partial",
    "name~common",
    "alias",
    "!name",
    "birth_date",
    "birth_date~swapped",
    "birth_date~month",
    "birth_date~year",
    "!birth_date",
    "nationality",
    "!nationality",
    "!gender",
    "country",
    "!country",
    "document_number",
    "!issuing_country",
    "imo",
    "!imo",
    "mmsi",
    "!mmsi",
    "call_sign",
    "!call_sign",
    "iban",
    "!iban",
    "bic",
    "account_number",
    "lei",
    "!lei",
    "registration_number",
    "registration",
    "!registration",
    "icao24",
    "!icao24",
};

uint64_t Bit(Feature f) { return uint64_t{1} << f; }

std::vector<std::string> FeatureNames(uint64_t bits) {
  std::vector<std::string> out;
  for (size_t i = 0; i < kFeatCount; ++i) {
    if ((bits >> i) & 1U) out.emplace_back(kFeatureNames[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct IdRule {
  Feature match;
  Feature conflict;  // kFeatCount: several values are normal (no conflict)
};

IdRule RuleOf(IdKind kind) {
  switch (kind) {
    case IdKind::kDocument:
      return {kFeatDocumentNumber, kFeatCount};
    case IdKind::kImo:
      return {kFeatImo, kFeatNotImo};
    case IdKind::kMmsi:
      return {kFeatMmsi, kFeatNotMmsi};
    case IdKind::kCallSign:
      return {kFeatCallSign, kFeatNotCallSign};
    case IdKind::kIban:
      return {kFeatIban, kFeatNotIban};
    case IdKind::kAccountNumber:
      return {kFeatAccountNumber, kFeatCount};
    case IdKind::kLei:
      return {kFeatLei, kFeatNotLei};
    case IdKind::kRegistrationNumber:
      return {kFeatRegistrationNumber, kFeatCount};
    case IdKind::kAircraftRegistration:
      return {kFeatRegistration, kFeatNotRegistration};
    case IdKind::kIcao24:
      return {kFeatIcao24, kFeatNotIcao24};
  }
  return {kFeatCount, kFeatCount};
}

double IdWeight(IdKind kind, const MatchConfig& c) {
  switch (kind) {
    case IdKind::kDocument:
      return c.document_number_weight;
    case IdKind::kImo:
      return c.imo_weight;
    case IdKind::kMmsi:
      return c.mmsi_weight;
    case IdKind::kCallSign:
      return c.call_sign_weight;
    case IdKind::kIban:
      return c.iban_weight;
    case IdKind::kAccountNumber:
      return c.account_number_weight;
    case IdKind::kLei:
      return c.lei_weight;
    case IdKind::kRegistrationNumber:
      return c.registration_number_weight;
    case IdKind::kAircraftRegistration:
      return c.aircraft_registration_weight;
    case IdKind::kIcao24:
      return c.icao24_weight;
  }
  return 0;
}

std::string IdKey(IdKind kind, std::string_view value) {
  std::string key(1, static_cast<char>('a' + static_cast<int>(kind)));
  key.append(value);
  return key;
}

bool PersonLike(Kind k) { return k == Kind::kPerson || k == Kind::kDocument; }

// The best agreement of a date with any of a record's possible dates of birth.
DateMatch BestDateMatch(PartialDate q, PartialDate first, const std::vector<PartialDate>& others,
                        int tolerance) {
  // Best first: the order in which one agreement beats another.
  auto rank = [](DateMatch m) {
    switch (m) {
      case DateMatch::kExact:
        return 0;
      case DateMatch::kSwapped:
        return 1;
      case DateMatch::kMonth:
        return 2;
      case DateMatch::kYear:
        return 3;
      case DateMatch::kDayMismatch:
        return 4;
      case DateMatch::kYearMismatch:
        return 5;
      case DateMatch::kUnknown:
        return 6;
    }
    return 6;
  };
  DateMatch best = detail::CompareDates(q, first, tolerance);
  for (const PartialDate& d : others) {
    const DateMatch m = detail::CompareDates(q, d, tolerance);
    if (rank(m) < rank(best)) best = m;
  }
  return best;
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// ---- Impl -------------------------------------------------------------------------------------

class Matcher::Impl {
 public:
  explicit Impl(MatchConfig c) : config_(c) {
    params_.initial = static_cast<float>(config_.initial_similarity);
    params_.vowelless_cap = static_cast<float>(config_.vowelless_similarity);
    params_.rarity = static_cast<float>(config_.name_rarity_weight);
    params_.cache_lookups = config_.cache_name_lookups;
    detail::WarmUpTransliterators();
  }

  const MatchConfig& config() const { return config_; }

  Status Upsert(const core::Record& record) {
    ISSA_ASSIGN_OR_RETURN(RecordFeatures f,
                          detail::ExtractFeatures(record, config_.min_document_number_length));
    std::unique_lock lock(mu_);
    RemoveLocked(record.id);
    if (f.kind == Kind::kOther) return Status::Ok();
    InsertLocked(record.id, record.owner, f);
    return Status::Ok();
  }

  void Remove(std::string_view record_id) {
    std::unique_lock lock(mu_);
    RemoveLocked(record_id);
  }

  std::vector<Candidate> Find(const core::Record& record, size_t limit, bool exhaustive) const {
    auto f = detail::ExtractFeatures(record, config_.min_document_number_length);
    if (!f.ok() || f->kind == Kind::kOther || limit == 0) return {};
    NameQuery query;
    query.Build(f->names, f->has_primary_name);
    std::shared_lock lock(mu_);
    Lease lease(*this);
    return FindLocked(record.id, *f, query, *lease.scratch, limit, exhaustive);
  }

  Result<Candidate> Compare(const core::Record& a, const core::Record& b) const {
    ISSA_ASSIGN_OR_RETURN(RecordFeatures fa,
                          detail::ExtractFeatures(a, config_.min_document_number_length));
    ISSA_ASSIGN_OR_RETURN(RecordFeatures fb,
                          detail::ExtractFeatures(b, config_.min_document_number_length));
    Candidate c;
    c.record_id = b.id;
    c.owner = b.owner;
    c.type = b.type;
    if (!detail::Comparable(fa.kind, fb.kind)) return c;
    Impl single(config_);
    single.InsertLocked(b.id, b.owner, fb);
    NameQuery query;
    query.Build(fa.names, fa.has_primary_name);
    Scratch scratch;
    scratch.Reserve(0, 0, 1);
    const Scored s = single.ScoreSlot(fa, query, scratch, 0, /*direct=*/true, -1,
                                      -std::numeric_limits<double>::infinity());
    c.score = s.score;
    c.features = FeatureNames(s.features);
    return c;
  }

  size_t size() const {
    std::shared_lock lock(mu_);
    return live_;
  }

 private:
  struct Slot {
    std::string record_id;
    uint32_t owner = 0;
    uint32_t first_entry = kNone;
    Kind kind = Kind::kOther;
    bool live = false;
    Gender gender = Gender::kUnknown;
    PartialDate birth_date;
    std::vector<PartialDate> other_birth_dates;
    std::array<CountryCode, 2> countries{};
    CountryCode issuing_country = 0;
    std::array<char, 8> bic{};  // first 8 characters of the BIC; all zero when unknown
    std::vector<Identifier> ids;
  };

  struct Scored {
    float score = 0;
    uint64_t features = 0;
  };

  // A scratch taken from the pool for the duration of one Find.
  struct Lease {
    explicit Lease(const Impl& impl) : owner(impl) {
      std::lock_guard<std::mutex> lock(impl.pool_mu_);
      if (!impl.pool_.empty()) {
        scratch = std::move(impl.pool_.back());
        impl.pool_.pop_back();
      }
      if (!scratch) scratch = std::make_unique<Scratch>();
    }
    ~Lease() {
      std::lock_guard<std::mutex> lock(owner.pool_mu_);
      owner.pool_.push_back(std::move(scratch));
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    const Impl& owner;
    std::unique_ptr<Scratch> scratch;
  };

  uint32_t OwnerId(const std::string& owner) {
    const auto [it, inserted] =
        owner_ids_.try_emplace(owner, static_cast<uint32_t>(owners_.size()));
    if (inserted) owners_.push_back(owner);
    return it->second;
  }

  void InsertLocked(const std::string& id, const std::string& owner, const RecordFeatures& f) {
    uint32_t index = 0;
    if (!free_slots_.empty()) {
      index = free_slots_.back();
      free_slots_.pop_back();
    } else {
      index = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& s = slots_[index];
    s.record_id = id;
    s.owner = OwnerId(owner);
    s.kind = f.kind;
    s.live = true;
    s.gender = f.gender;
    s.birth_date = f.birth_date;
    s.other_birth_dates = f.other_birth_dates;
    // Several possible birth years: the index cannot skip entries by year.
    uint16_t index_year = f.birth_date.year;
    for (const PartialDate& d : f.other_birth_dates) {
      if (d.year != index_year) index_year = 0;
    }
    s.countries = f.countries;
    s.issuing_country = f.issuing_country;
    std::copy_n(f.bic.begin(), std::min<size_t>(f.bic.size(), s.bic.size()), s.bic.begin());
    s.ids = f.ids;
    s.first_entry = kNone;
    const int name_index = detail::NameIndexOf(f.kind);
    if (name_index != detail::kNoNameIndex) {
      for (size_t i = f.names.size(); i-- > 0;) {
        const bool alias = !(f.has_primary_name && i == 0);
        s.first_entry = names_[static_cast<size_t>(name_index)].Add(index, f.names[i], alias,
                                                                    s.first_entry, index_year);
      }
    }
    for (const Identifier& ident : f.ids) ids_[IdKey(ident.kind, ident.value)].push_back(index);
    by_id_[id] = index;
    ++live_;
  }

  void RemoveLocked(std::string_view record_id) {
    const auto it = by_id_.find(record_id);
    if (it == by_id_.end()) return;
    const uint32_t index = it->second;
    Slot& s = slots_[index];
    const int name_index = detail::NameIndexOf(s.kind);
    if (name_index != detail::kNoNameIndex) {
      names_[static_cast<size_t>(name_index)].RemoveChain(s.first_entry);
    }
    for (const Identifier& ident : s.ids) {
      const auto posting = ids_.find(IdKey(ident.kind, ident.value));
      if (posting == ids_.end()) continue;
      std::vector<uint32_t>& v = posting->second;
      const auto pos = std::find(v.begin(), v.end(), index);
      if (pos != v.end()) {
        *pos = v.back();
        v.pop_back();
      }
      if (v.empty()) ids_.erase(posting);
    }
    by_id_.erase(it);
    s = Slot{};
    free_slots_.push_back(index);
    --live_;
  }

  std::vector<Candidate> FindLocked(std::string_view self_id, const RecordFeatures& f,
                                    const NameQuery& query, Scratch& scratch, size_t limit,
                                    bool exhaustive) const {
    scratch.Reserve(0, 0, slots_.size());
    scratch.NextSlotEpoch();
    std::vector<uint32_t> by_name;
    std::vector<uint32_t> by_id;
    const int name_index = detail::NameIndexOf(f.kind);
    int prepared = -1;
    if (exhaustive) {
      for (uint32_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].live) by_id.push_back(i);
      }
    } else {
      if (detail::BlocksOnNames(f.kind) && !query.names.empty()) {
        const NameIndex& index = names_[static_cast<size_t>(name_index)];
        index.Prepare(query, params_, static_cast<float>(config_.token_cutoff), scratch);
        prepared = name_index;
        NameIndex::CollectOptions options;
        options.single_part_names =
            name_index == detail::kOrganisationIndex || name_index == detail::kVesselIndex;
        options.max_slots = config_.max_scored_candidates;
        options.fallback_postings = config_.fallback_postings;
        // With an exact name, another birth year keeps the score below the threshold.
        if (name_index == detail::kPersonIndex && config_.birth_year_tolerance == 0 &&
            config_.person_name_weight + config_.nationality_bonus -
                    config_.birth_date_year_penalty <
                config_.threshold) {
          options.birth_year = f.birth_date.year;
        }
        index.Collect(query, scratch, options, params_, static_cast<float>(config_.token_cutoff),
                      by_name);
      }
      for (const Identifier& ident : f.ids) {
        const auto it = ids_.find(IdKey(ident.kind, ident.value));
        if (it == ids_.end()) continue;
        for (uint32_t slot : it->second) {
          if (scratch.slot_stamp[slot] == scratch.slot_epoch) continue;
          scratch.slot_stamp[slot] = scratch.slot_epoch;
          by_id.push_back(slot);
        }
      }
    }

    struct Hit {
      float score;
      uint32_t slot;
      uint64_t features;
    };
    std::vector<Hit> hits;
    const auto threshold = static_cast<float>(config_.threshold);
    auto consider = [&](uint32_t slot, bool direct) {
      const Slot& s = slots_[slot];
      if (!s.live || !detail::Comparable(f.kind, s.kind) || s.record_id == self_id) return;
      // The exhaustive reference scores every record in full (no early exit).
      const Scored r =
          ScoreSlot(f, query, scratch, slot, direct, prepared,
                    exhaustive ? -std::numeric_limits<double>::infinity() : config_.threshold);
      if (r.score >= threshold) hits.push_back(Hit{r.score, slot, r.features});
    };
    for (uint32_t slot : by_name) consider(slot, false);
    for (uint32_t slot : by_id) consider(slot, true);

    auto better = [this](const Hit& a, const Hit& b) {
      if (a.score != b.score) return a.score > b.score;
      return slots_[a.slot].record_id < slots_[b.slot].record_id;
    };
    if (hits.size() > limit) {
      std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(limit), hits.end(),
                        better);
      hits.resize(limit);
    } else {
      std::sort(hits.begin(), hits.end(), better);
    }
    std::vector<Candidate> out;
    out.reserve(hits.size());
    for (const Hit& h : hits) {
      const Slot& s = slots_[h.slot];
      Candidate c;
      c.record_id = s.record_id;
      c.owner = owners_[s.owner];
      c.type = std::string(detail::KindName(s.kind));
      c.score = h.score;
      c.features = FeatureNames(h.features);
      out.push_back(std::move(c));
    }
    return out;
  }

  double NameWeight(Kind k) const {
    switch (k) {
      case Kind::kPerson:
      case Kind::kDocument:
        return config_.person_name_weight;
      case Kind::kOrganisation:
        return config_.organisation_name_weight;
      case Kind::kVessel:
        return config_.vessel_name_weight;
      default:
        return 0;
    }
  }

  // Scores slot `index` as a candidate for the query. `prepared`: the name index whose
  // similarity table the scratch holds (-1: none); other similarities are computed.
  // Scores slot `index` as a candidate for the query. `prepared`: the name index whose
  // similarity table the scratch holds (-1: none); other similarities are computed. Names, the
  // costly part, are not compared when the other features already keep the score below
  // `min_score` (the score is then 0).
  Scored ScoreSlot(const RecordFeatures& f, const NameQuery& query, Scratch& scratch,
                   uint32_t index, bool direct, int prepared, double min_score) const {
    const Slot& s = slots_[index];
    Scored out;
    uint64_t feats = 0;
    double main = 0;

    // Identifiers.
    bool id_matched = false;
    bool conflict = false;
    const std::string_view slot_bic(s.bic.data(), s.bic[0] == 0 ? 0 : s.bic.size());
    const bool bics_known = !f.bic.empty() && !slot_bic.empty();
    const bool same_bic = bics_known && f.bic == slot_bic;
    if (same_bic) feats |= Bit(kFeatBic);
    for (const Identifier& q : f.ids) {
      const IdRule rule = RuleOf(q.kind);
      bool same_kind = false;
      bool equal = false;
      for (const Identifier& c : s.ids) {
        if (c.kind != q.kind) continue;
        same_kind = true;
        if (c.value == q.value) equal = true;
      }
      if (equal) {
        double weight = IdWeight(q.kind, config_);
        if (q.kind == IdKind::kDocument && f.issuing_country != 0 && s.issuing_country != 0 &&
            f.issuing_country != s.issuing_country) {
          feats |= Bit(kFeatNotIssuingCountry);  // same number, another country's document
          continue;
        }
        if (q.kind == IdKind::kAccountNumber) {
          if (bics_known && !same_bic) continue;  // same number at another bank
          if (!bics_known) weight = config_.account_number_without_bic_weight;
        }
        if (q.kind == IdKind::kRegistrationNumber && f.countries[0] != 0 && s.countries[0] != 0 &&
            f.countries[0] != s.countries[0]) {
          continue;  // another country's register
        }
        feats |= Bit(rule.match);
        main = std::max(main, weight);
        id_matched = true;
      } else if (same_kind && rule.conflict != kFeatCount) {
        feats |= Bit(rule.conflict);
        conflict = true;
      }
    }

    // Qualifiers.
    double adjust = 0;
    bool birth_dates_compared = false;
    if (conflict && !id_matched) adjust -= config_.identifier_conflict_penalty;
    if (PersonLike(f.kind) && PersonLike(s.kind)) {
      switch (BestDateMatch(f.birth_date, s.birth_date, s.other_birth_dates,
                            config_.birth_year_tolerance)) {
        case DateMatch::kExact:
          feats |= Bit(kFeatBirthDate);
          adjust += config_.birth_date_bonus;
          break;
        case DateMatch::kSwapped:
          feats |= Bit(kFeatBirthDateSwapped);
          adjust += config_.birth_date_swapped_bonus;
          break;
        case DateMatch::kMonth:
          feats |= Bit(kFeatBirthDateMonth);
          adjust += config_.birth_date_partial_bonus;
          break;
        case DateMatch::kYear:
          feats |= Bit(kFeatBirthDateYear);
          adjust += config_.birth_date_partial_bonus;
          break;
        case DateMatch::kDayMismatch:
          feats |= Bit(kFeatNotBirthDate);
          adjust -= config_.birth_date_day_penalty;
          break;
        case DateMatch::kYearMismatch:
          feats |= Bit(kFeatNotBirthDate);
          adjust -= config_.birth_date_year_penalty;
          break;
        case DateMatch::kUnknown:
          break;
      }
      birth_dates_compared = f.birth_date.year != 0 && s.birth_date.year != 0;
      if (f.kind == Kind::kPerson && s.kind == Kind::kPerson) {
        if (f.countries[0] != 0 && s.countries[0] != 0) {
          bool common = false;
          for (CountryCode a : f.countries) {
            for (CountryCode b : s.countries) common = common || (a != 0 && a == b);
          }
          if (common) {
            feats |= Bit(kFeatNationality);
            adjust += config_.nationality_bonus;
          } else {
            feats |= Bit(kFeatNotNationality);
            adjust -= config_.nationality_penalty;
          }
        }
        if (f.gender != Gender::kUnknown && s.gender != Gender::kUnknown && f.gender != s.gender) {
          feats |= Bit(kFeatNotGender);
          adjust -= config_.gender_penalty;
        }
      }
    }
    if (f.kind == Kind::kOrganisation && s.kind == Kind::kOrganisation && f.countries[0] != 0 &&
        s.countries[0] != 0) {
      if (f.countries[0] == s.countries[0]) {
        feats |= Bit(kFeatCountry);
      } else {
        feats |= Bit(kFeatNotCountry);
        adjust -= config_.country_penalty;
      }
    }

    // Names.
    const bool both_named = !query.names.empty() && s.first_entry != kNone;
    const double name_weight = std::min(NameWeight(f.kind), NameWeight(s.kind));
    if (std::max(main, both_named ? name_weight : 0.0) + adjust < min_score) return out;
    NameMatch name;
    if (both_named) {
      const int ni = detail::NameIndexOf(s.kind);
      name = names_[static_cast<size_t>(ni)].Best(
          query, scratch, s.first_entry, direct || ni != prepared, params_,
          static_cast<float>(config_.token_cutoff), static_cast<float>(config_.extra_part_weight),
          ni == detail::kOrganisationIndex || ni == detail::kVesselIndex);
      if (name.score >= config_.name_floor && name_weight > 0) {
        main = std::max(main, name.score * name_weight);
        feats |= Bit(name.exact ? kFeatName : (name.partial ? kFeatNamePartial : kFeatNameFuzzy));
        if (name.alias) feats |= Bit(kFeatAlias);
        // A common name and nothing else: the hit would be about the name, not the person.
        const NameIndex& by_kind = names_[static_cast<size_t>(detail::NameIndexOf(s.kind))];
        // (Checked only when the candidate would otherwise be a hit: the count costs a scan.)
        if (!id_matched && !birth_dates_compared && PersonLike(f.kind) && PersonLike(s.kind) &&
            main + adjust >= config_.threshold && name.entry != detail::kNone &&
            by_kind.live_entries() >= config_.common_name_min_names &&
            by_kind.ExpectedBearers(name.entry) >= config_.common_name_bearers) {
          feats |= Bit(kFeatNameCommon);
          adjust -= config_.common_name_penalty;
        }
      }
    }
    if (main <= 0) return out;
    // Vessels, aircraft and organisations are renamed; people and account holders are not.
    const bool names_stick = (PersonLike(f.kind) && PersonLike(s.kind)) ||
                             (f.kind == Kind::kAccount && s.kind == Kind::kAccount);
    if (id_matched && both_named && names_stick && name.score < config_.name_floor) {
      feats |= Bit(kFeatNotName);
      adjust -= config_.name_conflict_penalty;
    }
    out.score = static_cast<float>(std::clamp(main + adjust, 0.0, 1.0));
    out.features = feats;
    return out;
  }

  MatchConfig config_;
  detail::SimilarityParams params_;

  mutable core::WriterPreferringSharedMutex mu_;  // an upsert is not starved by finds
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> by_id_;
  std::vector<std::string> owners_;
  std::unordered_map<std::string, uint32_t> owner_ids_;
  std::array<NameIndex, detail::kNameIndexCount> names_;
  std::unordered_map<std::string, std::vector<uint32_t>, StringHash, std::equal_to<>> ids_;
  size_t live_ = 0;

  mutable std::mutex pool_mu_;
  mutable std::vector<std::unique_ptr<Scratch>> pool_;
};

// ---- Matcher ----------------------------------------------------------------------------------

Matcher::Matcher(MatchConfig config) : impl_(std::make_unique<Impl>(config)) {}
Matcher::~Matcher() = default;

Status Matcher::Upsert(const core::Record& record) { return impl_->Upsert(record); }

void Matcher::Remove(std::string_view record_id) { impl_->Remove(record_id); }

std::vector<Candidate> Matcher::Find(const core::Record& record, size_t limit) const {
  return impl_->Find(record, limit, /*exhaustive=*/false);
}

std::vector<Candidate> Matcher::FindExhaustive(const core::Record& record, size_t limit) const {
  return impl_->Find(record, limit, /*exhaustive=*/true);
}

Result<Candidate> Matcher::Compare(const core::Record& a, const core::Record& b) const {
  return impl_->Compare(a, b);
}

size_t Matcher::size() const { return impl_->size(); }

const MatchConfig& Matcher::config() const { return impl_->config(); }

bool IsMatchable(std::string_view type) { return detail::KindOf(type) != Kind::kOther; }

}  // namespace issa::matching
