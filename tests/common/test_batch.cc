#include "common/test_batch.h"

#include "google/protobuf/text_format.h"

namespace mitra::testing {

v1::Batch FullBatch() {
  v1::Batch b;
  const bool ok = google::protobuf::TextFormat::ParseFromString(R"pb(
    customers { id: "c1" created_unix_seconds: 1704067200 attributes { key: "city" value: "Bandung" } }
    customers { id: "c2" attributes { key: "city" value: "Jakarta" } attributes { key: "segment" value: "young" } }
    customers { id: "c3" created_unix_seconds: 1706745600 }
    products { id: "mio-125" name: "Mio 125" category: "scooter" unit_price: 1500 unit_cost: 1100 }
    products { id: "helmet" name: "Helmet" category: "accessory" unit_price: 40 }
    communities { id: "mio-bdg" name: "Mio Owners Bandung" created_unix_seconds: 1600000000 }
    communities { id: "mio-jkt" name: "Mio Jakarta" }
    channels { id: "r1" name: "Retailer 1" kind: CHANNEL_KIND_RETAILER parent_id: "w1" margin: 0.15 cost_per_unit: 5 territory: "Bandung" }
    channels { id: "w1" name: "Wholesaler" kind: CHANNEL_KIND_WHOLESALER parent_id: "p" margin: 0.1 fixed_cost_per_year: 20000 }
    channels { id: "p" name: "Producer" kind: CHANNEL_KIND_PRODUCER margin: 0.3 }
    programs { id: "advisor" name: "Advisor trial" product_id: "mio-125" start_unix_seconds: 1710000000 end_unix_seconds: 1712000000 attributes: "comfort" attributes: "range" }
    transactions { id: "o1" customer_id: "c1" time_unix_seconds: 1704153600 amount: 1500 quantity: 1 product_id: "mio-125" channel_id: "r1" }
    transactions { customer_id: "c1" time_unix_seconds: 1706745600 amount: 80 quantity: 2 product_id: "helmet" }
    transactions { id: "o3" customer_id: "c2" time_unix_seconds: 1705000000 amount: 1450.5 channel_id: "p" }
    transactions { customer_id: "c3" time_unix_seconds: 1709000000 amount: 0 }
    interactions { from_customer_id: "c1" to_customer_id: "c2" kind: INTERACTION_KIND_REPLY time_unix_seconds: 1710000000 community_id: "mio-bdg" }
    interactions { from_customer_id: "c2" to_customer_id: "c1" kind: INTERACTION_KIND_ENDORSEMENT time_unix_seconds: 1710000100 community_id: "mio-bdg" weight: 2.5 }
    interactions { from_customer_id: "c3" kind: INTERACTION_KIND_POST time_unix_seconds: 1710000200 community_id: "mio-jkt" }
    interactions { from_customer_id: "c3" to_customer_id: "c1" kind: INTERACTION_KIND_MENTION time_unix_seconds: 1710000300 }
    memberships { customer_id: "c1" community_id: "mio-bdg" role: MEMBERSHIP_ROLE_ORGANIZER joined_unix_seconds: 1705000000 }
    memberships { customer_id: "c2" community_id: "mio-bdg" role: MEMBERSHIP_ROLE_MEMBER joined_unix_seconds: 1705000000 left_unix_seconds: 1715000000 }
    memberships { customer_id: "c3" community_id: "mio-jkt" role: MEMBERSHIP_ROLE_MODERATOR joined_unix_seconds: 1709500000 }
    feedback { program_id: "advisor" customer_id: "c1" ratings { key: "comfort" value: 4 } ratings { key: "range" value: 2.5 } would_recommend: 9 time_unix_seconds: 1711000000 comment: "Comfortable, \"but\" range\nis short" }
    feedback { program_id: "advisor" product_id: "mio-125" customer_id: "c3" ratings { key: "comfort" value: 5 } time_unix_seconds: 1711000500 }
    referrals { referrer_id: "c1" referee_id: "c2" time_unix_seconds: 1704800000 converted: true value: 1450.5 }
    referrals { referrer_id: "c1" time_unix_seconds: 1708000000 }
    campaigns { id: "dealer-push" name: "Dealer push" route: CAMPAIGN_ROUTE_CHAIN start_unix_seconds: 1712000000 end_unix_seconds: 1714000000 spend: 5000 }
    campaigns { id: "leaders-bdg" name: "Leaders Bandung" route: CAMPAIGN_ROUTE_COMMUNITY start_unix_seconds: 1712000000 end_unix_seconds: 1713000000 spend: 1200.5 community_id: "mio-bdg" attributes { key: "agency" value: "in-house" } }
    campaign_members { campaign_id: "dealer-push" channel_id: "r1" }
    campaign_members { campaign_id: "dealer-push" channel_id: "w1" }
    campaign_members { campaign_id: "leaders-bdg" customer_id: "c1" }
  )pb", &b);
  if (!ok) std::abort();
  return b;
}

}  // namespace mitra::testing
