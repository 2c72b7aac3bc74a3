#include "issa/matching/identifiers.h"

#include <gtest/gtest.h>

namespace issa::matching {
namespace {

TEST(IdentifiersTest, NormaliseIdentifierKeepsLettersAndDigits) {
  EXPECT_EQ(NormaliseIdentifier("ab 12-345/6."), "AB123456");
  EXPECT_EQ(NormaliseIdentifier("  "), "");
  EXPECT_EQ(NormaliseIdentifier("Ü12"), "12");
}

TEST(IdentifiersTest, ImoCheckDigit) {
  EXPECT_TRUE(IsValidImo("9074729"));
  EXPECT_EQ(NormaliseImo("IMO 9074729"), "9074729");
  EXPECT_EQ(NormaliseImo("imo-9176187"), "9176187");
  EXPECT_FALSE(IsValidImo("9074728"));   // wrong check digit
  EXPECT_FALSE(IsValidImo("907472"));    // 6 digits
  EXPECT_FALSE(IsValidImo("90747290"));  // 8 digits
  EXPECT_FALSE(IsValidImo("IMO"));
}

TEST(IdentifiersTest, MmsiIsNineDigits) {
  EXPECT_EQ(NormaliseMmsi("211 331 640"), "211331640");
  EXPECT_FALSE(IsValidMmsi("21133164"));
  EXPECT_FALSE(IsValidMmsi("21133164A"));
  EXPECT_FALSE(IsValidMmsi("000000000"));
}

TEST(IdentifiersTest, IbanMod97) {
  EXPECT_EQ(NormaliseIban("GB82 WEST 1234 5698 7654 32"), "GB82WEST12345698765432");
  EXPECT_EQ(NormaliseIban("de89-3704-0044-0532-0130-00"), "DE89370400440532013000");
  EXPECT_TRUE(IsValidIban("FR14 2004 1010 0505 0001 3M02 606"));
  EXPECT_TRUE(IsValidIban("IBAN GB82WEST12345698765432"));
  EXPECT_FALSE(IsValidIban("GB82 WEST 1234 5698 7654 33"));  // one digit off
  EXPECT_FALSE(IsValidIban("GB28 WEST 1234 5698 7654 32"));  // check digits swapped
  EXPECT_FALSE(IsValidIban("GB82"));
}

TEST(IdentifiersTest, BicEightOrEleven) {
  EXPECT_EQ(NormaliseBic("deutdeff"), "DEUTDEFF");
  EXPECT_EQ(NormaliseBic("DEUT DE FF 500"), "DEUTDEFF500");
  EXPECT_FALSE(IsValidBic("DEUT12FF"));
  EXPECT_FALSE(IsValidBic("DEUTDEF"));
  EXPECT_FALSE(IsValidBic("DEUTDEFF5"));
}

TEST(IdentifiersTest, LeiMod97) {
  EXPECT_TRUE(IsValidLei("529900T8BM49AURSDO55"));
  EXPECT_TRUE(IsValidLei("5493001kjtiigc8y1r12"));
  EXPECT_FALSE(IsValidLei("529900T8BM49AURSDO56"));
  EXPECT_FALSE(IsValidLei("529900T8BM49AURSDO5"));
}

TEST(IdentifiersTest, Icao24) {
  EXPECT_EQ(NormaliseIcao24("3C6444"), "3c6444");
  EXPECT_EQ(NormaliseIcao24("000000"), "");
  EXPECT_EQ(NormaliseIcao24("3C644G"), "");
  EXPECT_EQ(NormaliseIcao24("3C644"), "");
}

}  // namespace
}  // namespace issa::matching
