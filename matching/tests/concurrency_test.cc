#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "issa/matching/matcher.h"

#include "test_records.h"

namespace issa::matching {
namespace {

using testing::FindId;
using testing::Person;

TEST(MatcherConcurrencyTest, ConcurrentFindWhileUpsertAndRemove) {
  Matcher matcher{MatchConfig{}};
  const char* first[] = {"Ivan", "Mohammed", "Anna", "John", "Maria", "Ali", "Olga", "Peter"};
  const char* last[] = {"Ivanov", "Hassan", "Schmidt", "Smith",
                        "Garcia", "Khan",   "Petrova", "Muller"};
  // Stable records the readers must always find.
  ASSERT_TRUE(matcher.Upsert(Person("putin", {{"name", "Vladimir Putin"}})).ok());
  ASSERT_TRUE(matcher.Upsert(Person("ali", {{"name", "Muhammad Ali"}})).ok());

  std::atomic<bool> stop{false};
  std::atomic<int> finds{0};
  std::atomic<int> misses{0};
  auto reader = [&](int seed) {
    int i = seed;
    while (!stop.load()) {
      const bool cyrillic = (i++ % 2) == 0;
      const auto found = cyrillic ? matcher.Find(Person("q", {{"name", "Владимир Путин"}}), 5)
                                  : matcher.Find(Person("q", {{"name", "محمد علي"}}), 5);
      if (FindId(found, cyrillic ? "putin" : "ali") == nullptr) misses.fetch_add(1);
      if (NormaliseName("Дмитрий Медведев") != "dmitriy medvedev") misses.fetch_add(1);
      finds.fetch_add(1);
    }
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) readers.emplace_back(reader, t);

  size_t written = 0;
  for (int round = 0; round < 30; ++round) {
    for (const char* f : first) {
      for (const char* l : last) {
        const std::string id = std::string(f) + "-" + l;
        const std::string name =
            round % 2 == 0 ? std::string(f) + " " + l : std::string(l) + " " + f + " " + f;
        ASSERT_TRUE(matcher.Upsert(Person(id, {{"name", name}, {"birth_date", "1970"}})).ok());
        ++written;
        if ((round + written) % 7 == 0) matcher.Remove(id);
      }
    }
  }
  while (finds.load() < 200) std::this_thread::yield();
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_GT(written, 0U);
  EXPECT_GE(matcher.size(), 2U);
}

TEST(MatcherConcurrencyTest, NormaliseNameFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&wrong] {
      for (int i = 0; i < 200; ++i) {
        if (NormaliseName("Αλέξανδρος") != "alexandros") wrong.fetch_add(1);
        if (NormaliseName("Владимир Путин") != "vladimir putin") wrong.fetch_add(1);
        if (NormaliseName("José") != "jose") wrong.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace issa::matching
