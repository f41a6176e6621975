// `mitra cocreation`: what a co-creation program learned (feedback per
// attribute with flagged shortfalls and NPS), what came of it (decisions
// from a file), or a new trial panel. The flags build the same request
// messages the C ABI takes (cocreation/messages.h).
#include <cmath>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "args.h"
#include "cocreation_text.h"
#include "common.h"
#include "mitra/cocreation/messages.h"
#include "mitra/core/absl_view.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/time_format.h"

namespace mitra::cli {

const char kCoCreationHelp[] = R"(Usage: mitra cocreation (SNAPSHOT | DIR) [options]

What each co-creation program learned: per attribute the mean, Bayesian
average, top-box share with its Wilson lower bound, reviewer-corrected mean
and a shortfall test (attributes significantly worse than the others, or
than a baseline, with Benjamini-Hochberg control), and NPS with its 95%
interval (docs/COCREATION.md). With --decisions, what came of the
feedback: each decision's before/after measure and each contributor's
share of the value of adopted changes. With --panel N, a new trial panel
instead.

Options (times: ISO 8601 or unix seconds):
  --program ID            only this program
  --product ID            only feedback about this product
  --baseline-program ID   test against this program's ratings
  --baseline-product ID   test against this product's ratings
  --fdr Q                 Benjamini-Hochberg level (default 0.05)
  --margin M              shortfall that matters, share of the scale (default 0.1)
  --prior-weight M        Bayesian average prior weight (default 10)
  --decisions FILE        decisions CSV (id, program_id, attribute, outcome,
                          decided, effective, value, contributors, ...)
  --panel N               choose a trial panel of N customers
  --quota DIM=VALUE:MIN[:MAX]
                          panel quota; DIM is community, stage or a customer
                          attribute (segment, city); repeatable
  --seed S                panel seed (default 1; the same seed, the same panel)
  --fatigue-days D        skip anyone surveyed this recently (default 90)
  --as-of TIME            panel reference time (default: the latest record)
  --strict                an unmet quota is an error
  --format text|json      (default text; json: the mitra.v1 report messages)
  -o FILE                 write to FILE
)";

namespace {

std::string Fixed(double v, int decimals = 2) {
  return std::isnan(v) ? "-" : Decimals(v, decimals);
}
std::string Signed(double v, int decimals = 2) {
  if (std::isnan(v)) return "-";
  return (v >= 0 ? "+" : "") + Fixed(v, decimals);
}
std::string Pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
std::string Right(const std::string& s, size_t w) { return s.size() < w ? std::string(w - s.size(), ' ') + s : s; }
std::string Pct(double share) { return std::isnan(share) ? "-" : Fixed(100 * share, 1) + "%"; }
std::string Money(double v) { return GroupThousands(Decimals(v, 0)); }
std::string Scale(double v) { return v == std::floor(v) ? Fixed(v, 0) : Fixed(v, 2); }

}  // namespace

void WriteFeedbackText(const v1::FeedbackReport& r, std::ostream& out, const std::string& in) {
  if (r.programs_size() == 0) {
    out << in << "no feedback\n";
    return;
  }
  const int conf = static_cast<int>(std::lround(100 * r.confidence()));
  for (const v1::ProgramFeedback& p : r.programs()) {
    out << in << p.program_id();
    if (!p.product_id().empty()) out << " (product " << p.product_id() << ")";
    out << ": " << p.responses() << " responses from " << p.respondents() << " customers, scale "
        << Scale(p.rating_min()) << ".." << Scale(p.rating_max()) << "\n";
    const v1::NetPromoterScore& n = p.nps();
    if (n.n() > 0)
      out << in << "  NPS " << Fixed(n.nps(), 1) << " (" << conf << "% interval " << Fixed(n.low(), 1)
          << " .. " << Fixed(n.high(), 1) << "; " << n.n() << " answers: " << n.promoters()
          << " promoters, " << n.passives() << " passives, " << n.detractors() << " detractors)\n";
    out << in << "  " << Pad("attribute", 14) << Right("n", 5) << Right("mean", 7) << Right("bayes", 7)
        << Right("top-box", 9) << Right("wilson", 8) << Right("corr.", 7) << Right("vs base", 9)
        << Right("q", 8) << "\n";
    for (const v1::AttributeFeedback& a : p.attributes()) {
      out << in << "  " << Pad(a.attribute(), 14) << Right(std::to_string(a.n()), 5)
          << Right(Fixed(a.mean()), 7) << Right(Fixed(a.bayesian_average()), 7)
          << Right(Pct(a.positive_share()), 9) << Right(a.n() ? Pct(a.wilson_lower()) : "-", 8)
          << Right(Fixed(a.corrected_mean()), 7) << Right(a.tested() ? Signed(a.difference()) : "-", 9)
          << Right(a.tested() ? (a.q_value() < 0.0001 ? "<0.0001" : Fixed(a.q_value(), 4)) : "-", 8)
          << (a.significantly_worse() ? "  WORSE" : "") << "\n";
    }
    out << in << "  (bayes: prior mean " << Fixed(p.prior_mean()) << ", weight " << Fixed(p.prior_weight(), 0)
        << "; top box: ratings >= " << Scale(p.top_box_rating()) << ", Wilson lower bound at " << conf
        << "%; baseline: " << p.baseline() << "; " << p.flagged() << " of " << p.tests()
        << " attributes flagged at FDR " << Fixed(r.fdr(), 2) << ", margin " << Pct(r.margin())
        << " of the scale)\n";
  }
}

void WriteAdoptionText(const v1::AdoptionReport& r, std::ostream& out, const std::string& in,
                       int top_contributors) {
  const int conf = static_cast<int>(std::lround(100 * r.confidence()));
  for (const v1::AdoptionResult& d : r.decisions()) {
    out << in << d.decision_id() << " " << d.program_id() << " "
        << (d.attribute().empty() ? "NPS" : d.attribute()) << ": "
        << (d.outcome() == v1::ADOPTION_OUTCOME_ADOPTED ? "adopted" : "rejected");
    if (d.has_value()) out << ", value " << Money(d.value());
    if (!d.title().empty()) out << " - " << d.title();
    out << "\n" << in << "    ";
    if (d.source() == v1::ADOPTION_MEASURE_NONE) {
      out << "no measure (no feedback before or after)";
    } else {
      const v1::BeforeAfterMeasure& m = d.measure();
      out << "before " << Fixed(m.before_mean()) << " (n " << m.before_n() << "), after "
          << Fixed(m.after_mean()) << " (n " << m.after_n() << "): " << Signed(d.difference());
      if (!std::isnan(d.low()))
        out << " (" << conf << "% " << Signed(d.low()) << " .. " << Signed(d.high()) << ")";
      out << (d.improved() ? ", improved" : ", no clear change")
          << (d.source() == v1::ADOPTION_MEASURE_GIVEN ? " [given]" : " [from feedback]");
    }
    out << "; " << d.contributors() << " contributors (" << d.contributors_with_feedback()
        << " answered the program)\n";
  }
  for (const v1::ProgramAdoption& p : r.programs())
    out << in << p.program_id() << ": " << p.decisions() << " decisions, " << p.adopted() << " adopted ("
        << Pct(p.adoption_rate()) << "), " << p.improved() << " measurably improved, value adopted "
        << Money(p.value_adopted()) << "\n";
  if (r.programs_size() > 0) out << in << "values: " << BasisText(r.value_basis()) << "\n";
  if (r.contributors_size() > 0 && top_contributors > 0) {
    out << in << "top contributors by credit (share of adopted value):";
    for (int i = 0; i < r.contributors_size() && i < top_contributors; ++i)
      out << "  " << r.contributors(i).customer_id() << " " << Fixed(r.contributors(i).value());
    out << "\n";
  }
}

absl::StatusOr<v1::AdoptionRequest> ReadDecisionsFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<v1::AdoptionDecision>> d = cocreation::DecisionsFromCsv(path, *text);
  if (!d.ok()) return d.status();
  v1::AdoptionRequest r;
  for (v1::AdoptionDecision& x : *d) *r.add_decisions() = std::move(x);
  return r;
}

namespace {

void WritePanelText(const v1::PanelReport& r, std::ostream& out) {
  out << "panel of " << r.members_size() << " (asked " << r.requested() << ") from " << r.eligible()
      << " eligible of " << r.candidates() << " candidates (" << r.fatigued()
      << " skipped for fatigue), as of " << FormatTime(r.as_of_unix_seconds()) << ", seed " << r.seed()
      << "\n";
  if (!r.problem().empty()) out << "  note: " << r.problem() << "\n";
  for (const v1::PanelQuotaStatus& q : r.quotas()) {
    out << "  quota " << q.quota().dimension() << "=" << q.quota().value() << " min " << q.quota().min();
    if (q.quota().has_max()) out << " max " << q.quota().max();
    out << ": " << q.selected() << " selected of " << q.eligible() << " eligible"
        << (q.met() ? ", met" : absl::StrCat(", NOT MET (short by ", q.shortfall(), "): ", q.problem())) << "\n";
  }
  out << "rank,customer_id,weight,response_rate,responses,opportunities,recency,reason\n";
  for (const v1::PanelMember& m : r.members())
    out << m.rank() << "," << m.customer_id() << "," << Fixed(m.weight(), 4) << "," << Fixed(m.response_rate(), 4)
        << "," << m.responses() << "," << m.opportunities() << "," << Fixed(m.recency(), 4) << ","
        << (m.for_quota() ? "quota" : "fill") << "\n";
}

// "segment=student:10" or "community=JKT:5:20".
bool ParseQuota(const std::string& text, v1::PanelQuota* q) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  std::vector<std::string> parts = absl::StrSplit(Av(text.substr(eq + 1)), ':');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty()) return false;
  uint32_t lo, hi;
  if (!absl::SimpleAtoi(Av(parts[1]), &lo)) return false;
  q->set_dimension(text.substr(0, eq));
  q->set_value(parts[0]);
  q->set_min(lo);
  if (parts.size() == 3) {
    if (!absl::SimpleAtoi(Av(parts[2]), &hi)) return false;
    q->set_max(hi);
  }
  return true;
}

}  // namespace

int CoCreationCommand(const std::vector<std::string>& args) {
  CommandArgs cl("cocreation", args, {"text", "json"});
  std::string decisions;
  v1::FeedbackRequest feedback;
  v1::PanelRequest panel;
  bool want_panel = false;
  while (cl.Next()) {
    const std::string& a = cl.option();
    std::string v;
    double d;
    if (a == "--program" || a == "--product" || a == "--baseline-program" ||
        a == "--baseline-product") {
      if (!cl.Value(&v)) return cl.Needs("an id");
      if (a == "--program") feedback.set_program_id(v);
      else if (a == "--product") feedback.set_product_id(v);
      else if (a == "--baseline-program") feedback.set_baseline_program_id(v);
      else feedback.set_baseline_product_id(v);
    } else if (a == "--fdr" || a == "--margin" || a == "--prior-weight" || a == "--fatigue-days") {
      if (!cl.Number(&d)) return cl.Needs("a number");
      if (a == "--fdr") feedback.set_fdr(d);
      else if (a == "--margin") feedback.set_margin(d);
      else if (a == "--prior-weight") feedback.set_prior_weight(d);
      else panel.set_fatigue_days(d);
    } else if (a == "--decisions") {
      if (!cl.Value(&decisions)) return cl.Needs("a file");
    } else if (a == "--panel") {
      uint32_t n;
      if (!cl.Whole(&n)) return cl.Needs("a whole number");
      panel.set_size(n);
      want_panel = true;
    } else if (a == "--quota") {
      if (!cl.Value(&v) || !ParseQuota(v, panel.add_quotas()))
        return cl.Needs("DIM=VALUE:MIN or DIM=VALUE:MIN:MAX");
    } else if (a == "--seed") {
      uint64_t s;
      if (!cl.Whole(&s)) return cl.Needs("a whole number");
      panel.set_seed(s);
    } else if (a == "--as-of") {
      int64_t t;
      if (!cl.Time(&t)) return cl.Needs("a time");
      panel.set_as_of_unix_seconds(t);
    } else if (a == "--strict") {
      panel.set_strict(true);
    } else {
      return cl.Unknown();
    }
  }
  if (int rc = cl.Finish(); rc != 0) return rc;
  if (!want_panel && (panel.quotas_size() > 0 || panel.has_seed()))
    return Usage("--quota and --seed need --panel N");
  auto ws = LoadWorkspace(cl.source());
  if (!ws.ok()) return Fail(ws.status());

  // No summary after "wrote FILE": the report's size is not one number.
  if (want_panel) {
    v1::PanelReport report;
    if (absl::Status s = cocreation::PanelMessage(**ws, panel, &report); !s.ok()) return Fail(s);
    return cl.Write(report, [&](std::ostream& out) { WritePanelText(report, out); }, "");
  }
  v1::FeedbackReport fr;
  if (absl::Status s = cocreation::FeedbackMessage(**ws, feedback, &fr); !s.ok()) return Fail(s);
  v1::AdoptionReport ar;
  if (!decisions.empty()) {
    absl::StatusOr<v1::AdoptionRequest> req = ReadDecisionsFile(decisions);
    if (!req.ok()) return Fail(req.status());
    if (absl::Status s = cocreation::AdoptionMessage(**ws, *req, &ar); !s.ok()) return Fail(s);
  }
  std::ostringstream body;
  if (cl.format() == "json") {
    body << "{\"feedback\": " << Json(fr, true);
    if (!decisions.empty()) body << ",\n\"adoption\": " << Json(ar, true);
    body << "}\n";
  } else {
    body << "feedback\n";
    WriteFeedbackText(fr, body, "  ");
    if (!decisions.empty()) {
      body << "\ndecisions (" << decisions << ")\n";
      WriteAdoptionText(ar, body, "  ", 10);
    }
  }
  return cl.Write(body.str(), "");
}

}  // namespace mitra::cli
