// The bad-input table (tests/bad_input/cases.json) through the C ABI: each
// case gets its status and a message naming the record and field, and
// leaves the workspace byte for byte as it was.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "common/exports.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "mitra/core/crc32c.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/campaign_effects.pb.h"
#include "mitra/v1/channel_economics.pb.h"
#include "mitra/v1/cocreation_analysis.pb.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/graph.pb.h"
#include "mitra/v1/ladder.pb.h"
#include "mitra/v1/leaders.pb.h"
#include "mitra/v1/value.pb.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Case {
  std::string name;
  google::protobuf::Struct fields;
  std::string Get(const std::string& key) const {
    auto it = fields.fields().find(key);
    return it == fields.fields().end() ? "" : it->second.string_value();
  }
  bool Has(const std::string& key) const { return fields.fields().count(key) > 0; }
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
};

const google::protobuf::Struct& Table() {
  static const auto* table = [] {
    std::ifstream in(MITRA_SOURCE_DIR "/tests/bad_input/cases.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto* t = new google::protobuf::Struct;
    if (!google::protobuf::util::JsonStringToMessage(ss.str(), t).ok()) std::abort();
    return t;
  }();
  return *table;
}

std::vector<Case> Cases() {
  std::vector<Case> out;
  for (const auto& v : Table().fields().at("cases").list_value().values()) {
    Case c{v.struct_value().fields().at("name").string_value(), v.struct_value()};
    out.push_back(std::move(c));
  }
  return out;
}

mitra_workspace* BaseWorkspace() {
  mitra_workspace* ws = nullptr;
  EXPECT_EQ(mitra_workspace_create(&ws, nullptr), MITRA_OK);
  const auto& base = Table().fields().at("base").struct_value().fields();
  for (const char* kind : {"customers", "products", "communities", "channels", "programs",
                           "transactions", "interactions", "memberships", "feedback",
                           "referrals"}) {
    const std::string& text = base.at(kind).string_value();
    mitra_error* err = nullptr;
    EXPECT_EQ(mitra_workspace_ingest_csv_bytes(ws, kind, kind,
                                               reinterpret_cast<const uint8_t*>(text.data()),
                                               text.size(), &err),
              MITRA_OK)
        << kind << ": " << mitra_error_message(err);
    mitra_error_free(err);
  }
  return ws;
}

// Applies a mutation ("truncate:N", "flip:N", "major:2", "replace:TEXT",
// "missing", "directory", "fifo", "symlink_loop", "dangling_symlink"; as in
// tests/bad_input/mutations.py) to a saved snapshot and returns the path to
// load.
std::string MutatedSnapshot(const mitra_workspace* ws, const std::string& mutation,
                            const fs::path& dir) {
  const std::string path = (dir / "base.mitra").string();
  EXPECT_EQ(mitra_workspace_save(ws, path.c_str(), nullptr), MITRA_OK);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string op = mutation.substr(0, mutation.find(':'));
  const std::string arg = mutation.find(':') == std::string::npos ? "" : mutation.substr(mutation.find(':') + 1);
  auto position = [&](const std::string& a) -> size_t {
    if (a == "half") return bytes.size() / 2;
    long v = 0;
    EXPECT_TRUE(absl::SimpleAtoi(a, &v));
    return v < 0 ? bytes.size() + v : static_cast<size_t>(v);
  };
  const std::string out = (dir / "case.mitra").string();
  if (op == "missing") return (dir / "missing.mitra").string();
  if (op == "directory") {
    fs::create_directories(dir / "a-directory");
    return (dir / "a-directory").string();
  }
  if (op == "fifo") {
    EXPECT_EQ(::mkfifo((dir / "a-fifo.mitra").c_str(), 0600), 0);
    return (dir / "a-fifo.mitra").string();
  }
  if (op == "symlink_loop") {
    fs::create_symlink(dir / "loop-b.mitra", dir / "loop-a.mitra");
    fs::create_symlink(dir / "loop-a.mitra", dir / "loop-b.mitra");
    return (dir / "loop-a.mitra").string();
  }
  if (op == "dangling_symlink") {
    fs::create_symlink(dir / "gone.mitra", dir / "dangling.mitra");
    return (dir / "dangling.mitra").string();
  }
  if (op == "truncate") {
    bytes.resize(position(arg));
  } else if (op == "flip") {
    bytes[position(arg)] ^= 0x20;
  } else if (op == "major") {  // with the checksum fixed, as a newer writer would
    bytes[8] = static_cast<char>(std::stoi(arg));
    const size_t body = bytes.size() - 4;
    const uint32_t crc = mitra::Crc32c(0, bytes.data(), body);
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  } else if (op == "replace") {
    bytes = arg;
  } else {
    ADD_FAILURE() << "unknown mutation " << mutation;
  }
  std::ofstream(out, std::ios::binary).write(bytes.data(), bytes.size());
  return out;
}

// A customer-value entry point, given its request (or model) in text form.
mitra_status ValueCall(mitra_workspace* ws, const std::string& op, const std::string& text,
                       mitra_error** err) {
  auto parse = [&](google::protobuf::Message* m) {
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, m)) << text;
    return m->SerializeAsString();
  };
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_status s = MITRA_OK;
  if (op == "value_fit") {
    mitra::v1::FitRequest r;
    const std::string b = parse(&r);
    s = mitra_value_fit(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_summary") {
    mitra::v1::SummaryRequest r;
    const std::string b = parse(&r);
    s = mitra_workspace_value_summary(ws, reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_rfm") {
    mitra::v1::RfmRequest r;
    const std::string b = parse(&r);
    s = mitra_value_rfm(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_predict_intervals") {
    mitra::v1::PredictIntervalsRequest r;
    const std::string b = parse(&r);
    s = mitra_value_predict_intervals(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_predict") {
    mitra::v1::FittedModel m;
    const std::string b = parse(&m);
    const double x = 1, tx = 1, T = 2;
    double o = 0;
    s = mitra_value_predict(reinterpret_cast<const uint8_t*>(b.data()), b.size(), MITRA_VALUE_PROBABILITY_ALIVE,
                            0, &x, &tx, &T, 1, &o, err);
  } else if (op == "value_sbg_fit") {
    mitra::v1::SbgFitRequest r;
    const std::string b = parse(&r);
    s = mitra_value_sbg_fit(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_bgbb_fit") {  // the request's columns as arrays, its options as bytes
    mitra::v1::BgBbFitRequest r;
    parse(&r);
    const std::string o = r.options().SerializeAsString();
    s = mitra_value_bgbb_fit(r.x().data(), r.t_x().data(), r.n().data(),
                             r.weight().empty() ? nullptr : r.weight().data(),
                             static_cast<size_t>(r.x_size()), reinterpret_cast<const uint8_t*>(o.data()),
                             o.size(), &out, &n, err);
  } else if (op == "value_workspace_sbg") {
    mitra::v1::WorkspaceSbgRequest r;
    const std::string b = parse(&r);
    s = mitra_workspace_value_sbg(ws, reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else if (op == "value_workspace_bgbb") {
    mitra::v1::WorkspaceBgBbRequest r;
    const std::string b = parse(&r);
    s = mitra_workspace_value_bgbb(ws, reinterpret_cast<const uint8_t*>(b.data()), b.size(), &out, &n, err);
  } else {
    ADD_FAILURE() << "unknown op " << op;
  }
  EXPECT_EQ(out, nullptr) << "a failed call returns no buffer";
  mitra_free(out);
  return s;
}

// A graph or leaders entry point: the request in text form (or raw bytes),
// and for graph_* calls the edge arrays as a mitra.v1.Graph in text form.
mitra_status GraphCall(mitra_workspace* ws, const Case& c, mitra_error** err) {
  const std::string api = c.Get("api");
  auto request = [&](google::protobuf::Message* m) {
    if (c.Has("arg_hex")) return absl::HexStringToBytes(c.Get("arg_hex"));
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(c.Get("arg"), m)) << c.Get("arg");
    return m->SerializeAsString();
  };
  mitra::v1::Graph g;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(c.Get("graph"), &g)) << c.Get("graph");
  EXPECT_EQ(g.src_size(), g.dst_size()) << "the C ABI takes one edge count";
  const double* weights = g.weight_size() > 0 ? g.weight().data() : nullptr;
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_status s = MITRA_OK;
  std::string b;
  auto u8 = [&] { return reinterpret_cast<const uint8_t*>(b.data()); };
  if (api == "graph_centrality") {
    mitra::v1::CentralityRequest r;
    b = request(&r);
    std::vector<double> values(g.num_nodes(), -7.0);
    s = mitra_graph_centrality(g.num_nodes(), g.src().data(), g.dst().data(), weights, g.src_size(),
                               u8(), b.size(), values.data(), &out, &n, err);
    for (double v : values) EXPECT_EQ(v, -7.0) << "a failed call wrote values";
  } else if (api == "graph_edge_values") {
    mitra::v1::EdgeValuesRequest r;
    b = request(&r);
    std::vector<double> values(g.src_size(), -7.0);
    s = mitra_graph_edge_values(g.num_nodes(), g.src().data(), g.dst().data(), weights, g.src_size(),
                                u8(), b.size(), values.data(), &out, &n, err);
    for (double v : values) EXPECT_EQ(v, -7.0) << "a failed call wrote values";
  } else if (api == "graph_leiden") {
    mitra::v1::LeidenRequest r;
    b = request(&r);
    std::vector<uint32_t> membership(g.num_nodes(), 77);
    s = mitra_graph_leiden(g.num_nodes(), g.src().data(), g.dst().data(), weights, g.src_size(), u8(),
                           b.size(), membership.data(), &out, &n, err);
    for (uint32_t v : membership) EXPECT_EQ(v, 77u) << "a failed call wrote the membership";
  } else if (api == "activation_plan") {
    mitra::v1::PlanRequest r;
    b = request(&r);
    s = mitra_activation_plan(g.num_nodes(), g.src().data(), g.dst().data(), weights, g.src_size(),
                              u8(), b.size(), &out, &n, err);
  } else if (api == "activation_simulate") {
    mitra::v1::SimulateRequest r;
    b = request(&r);
    s = mitra_activation_simulate(g.num_nodes(), g.src().data(), g.dst().data(), weights,
                                  g.src_size(), u8(), b.size(), &out, &n, err);
  } else if (api == "interaction_graph") {
    mitra::v1::InteractionGraphRequest r;
    b = request(&r);
    s = mitra_workspace_interaction_graph(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "learn_influence") {
    mitra::v1::LearnInfluenceRequest r;
    b = request(&r);
    s = mitra_workspace_learn_influence(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "leaders") {
    mitra::v1::LeadersRequest r;
    b = request(&r);
    s = mitra_workspace_leaders(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "trust") {
    mitra::v1::TrustRequest r;
    b = request(&r);
    s = mitra_workspace_trust(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "health") {
    mitra::v1::HealthRequest r;
    b = request(&r);
    s = mitra_workspace_community_health(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "workspace_activation_plan") {
    mitra::v1::WorkspacePlanRequest r;
    b = request(&r);
    s = mitra_workspace_activation_plan(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "cocreation_panel") {
    mitra::v1::PanelRequest r;
    b = request(&r);
    s = mitra_workspace_cocreation_panel(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "cocreation_feedback") {
    mitra::v1::FeedbackRequest r;
    b = request(&r);
    s = mitra_workspace_cocreation_feedback(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "cocreation_adoption") {
    mitra::v1::AdoptionRequest r;
    b = request(&r);
    s = mitra_workspace_cocreation_adoption(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "ladder") {
    mitra::v1::LadderRequest r;
    b = request(&r);
    s = mitra_workspace_ladder(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "contribution") {
    mitra::v1::ContributionRequest r;
    b = request(&r);
    s = mitra_workspace_contribution(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "channel_economics") {
    mitra::v1::ChannelRequest r;
    b = request(&r);
    s = mitra_workspace_channel_economics(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "campaign_effects") {
    mitra::v1::CampaignEffectsRequest r;
    b = request(&r);
    s = mitra_workspace_campaign_effects(ws, u8(), b.size(), &out, &n, err);
  } else if (api == "channels_budget_split") {
    mitra::v1::BudgetRequest r;
    b = request(&r);
    s = mitra_channels_budget_split(u8(), b.size(), &out, &n, err);
  } else if (api == "channels_double_marginalisation") {
    mitra::v1::LinearDemandRequest r;
    b = request(&r);
    s = mitra_channels_double_marginalisation(u8(), b.size(), &out, &n, err);
  } else {
    ADD_FAILURE() << "unknown op " << api;
  }
  EXPECT_EQ(out, nullptr) << "a failed call returns no buffer";
  mitra_free(out);
  return s;
}

bool IsGraphApi(const std::string& api) {
  return api.rfind("graph_", 0) == 0 || api.rfind("activation_", 0) == 0 ||
         api == "interaction_graph" || api == "learn_influence" || api == "leaders" ||
         api == "trust" || api == "health" || api == "workspace_activation_plan" ||
         api.rfind("cocreation_", 0) == 0 || api == "ladder" || api == "contribution" ||
         api == "channel_economics" || api == "campaign_effects" ||
         api.rfind("channels_", 0) == 0;
}

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, GetsItsStatusAndMessageAndChangesNothing) {
  const Case& c = GetParam();
  const fs::path dir = fs::path(::testing::TempDir()) / ("bad-" + std::to_string(getpid()) + "-" + c.name);
  fs::create_directories(dir);
  mitra_workspace* ws = BaseWorkspace();
  const std::string before = mitra::testing::ExportBytes(ws);
  mitra_error* err = nullptr;
  mitra_status s = MITRA_OK;

  if (c.Has("batch") || c.Has("bytes_hex")) {
    std::string bytes;
    if (c.Has("batch")) {
      mitra::v1::Batch b;
      ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.Get("batch"), &b)) << c.name;
      bytes = b.SerializeAsString();
    } else {
      bytes = absl::HexStringToBytes(c.Get("bytes_hex"));
    }
    s = mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &err);
  } else if (c.Has("csv") || c.Has("csv_hex")) {
    const std::string text = c.Has("csv") ? c.Get("csv") : absl::HexStringToBytes(c.Get("csv_hex"));
    s = mitra_workspace_ingest_csv_bytes(ws, c.Get("csv_kind").c_str(), "case.csv",
                                         reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                                         &err);
  } else if (c.Has("snapshot")) {
    const std::string path = MutatedSnapshot(ws, c.Get("snapshot"), dir);
    mitra_workspace* loaded = reinterpret_cast<mitra_workspace*>(0x1);
    s = mitra_workspace_load(path.c_str(), &loaded, &err);
    EXPECT_EQ(loaded, nullptr) << "a failed load must create nothing";
  } else if (c.Get("api") == "column") {
    mitra_dtype dtype;
    size_t length;
    s = mitra_workspace_column_info(ws, c.Get("arg").c_str(), &dtype, &length, &err);
  } else if (c.Get("api") == "ids") {
    uint8_t* out = nullptr;
    size_t n = 0;
    s = mitra_workspace_ids(ws, c.Get("arg").c_str(), &out, &n, &err);
    EXPECT_EQ(out, nullptr);
  } else if (c.Get("api") == "csv_file") {
    s = mitra_workspace_ingest_csv(ws, "customers", c.Get("arg").c_str(), &err);
  } else if (c.Get("api").rfind("value_", 0) == 0) {
    s = ValueCall(ws, c.Get("api"), c.Get("arg"), &err);
  } else if (IsGraphApi(c.Get("api"))) {
    s = GraphCall(ws, c, &err);
  } else {
    FAIL() << "case " << c.name << " has no input";
  }

  EXPECT_STREQ(mitra_status_name(s), c.Get("status").c_str()) << mitra_error_message(err);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(mitra_error_code(err), s);
  EXPECT_THAT(mitra_error_message(err), HasSubstr(c.Get("message")));
  mitra_error_free(err);
  EXPECT_EQ(mitra::testing::ExportBytes(ws), before) << "the workspace changed";
  mitra_workspace_free(ws);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(BadInputTable, HasAtLeastAHundredCases) { EXPECT_GE(Cases().size(), 100u); }

}  // namespace
