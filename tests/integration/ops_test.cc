// ops/: the Prometheus config and alerts pass promtool, the Grafana dashboard's queries
// parse and name only exported metrics, the compose file creates every topic, the
// runtime image installs every library the binary links, and a
// real Prometheus scraping real workers reads the counters the pipeline reports.
// Skips where Debian's prometheus (prometheus, promtool) or curl is absent.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "cargo_llm.h"
#include "cluster.h"
#include "longforge/kafka/topics.h"
#include "ops_prometheus.h"
#include "support/fake_llm_server.h"
#include "support/programs.h"
#include "support/subprocess.h"

namespace longforge::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kSource = LONGFORGE_SOURCE_DIR;
const std::string kOps = kSource + "/ops";
const std::vector<std::string> kStages = {"chunker", "mapper", "questioner", "relevance",
                                          "answer",  "filter", "sink"};

#define REQUIRE_PROMETHEUS() LF_REQUIRE_PROGRAMS("prometheus", "promtool", "curl")

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> Matches(const std::string& text, const std::regex& re) {
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

// Metric families registered in the code: `.Name("longforge_...")` under core, workers, app.
std::set<std::string> MetricsInSource() {
  const std::regex name_re(R"re(\.Name\("(longforge_[a-z0-9_]+)"\))re");
  std::set<std::string> names;
  for (const char* dir : {"core", "workers", "app"}) {
    for (const auto& e : fs::recursive_directory_iterator(kSource + "/" + dir)) {
      const auto ext = e.path().extension();
      if (ext != ".h" && ext != ".cc") continue;
      const auto found = Matches(Slurp(e.path().string()), name_re);
      names.insert(found.begin(), found.end());
    }
  }
  return names;
}

// True when `name` is a family or one of a histogram's series (_bucket, _sum, _count).
bool Exported(const std::string& name, const std::set<std::string>& families) {
  if (families.count(name)) return true;
  for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix) &&
        families.count(name.substr(0, name.size() - suffix.size()))) {
      return true;
    }
  }
  return false;
}

void CollectExprs(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    if (j.contains("expr") && j["expr"].is_string()) out.push_back(j["expr"]);
    for (const auto& [key, value] : j.items()) CollectExprs(value, out);
  } else if (j.is_array()) {
    for (const auto& value : j) CollectExprs(value, out);
  }
}

// Every PromQL expression of the dashboard, Grafana's interval variables replaced by
// `range`.
std::vector<std::string> DashboardExprs(const std::string& range) {
  std::vector<std::string> exprs;
  CollectExprs(nlohmann::json::parse(Slurp(kOps + "/grafana/dashboards/longforge.json")), exprs);
  for (auto& e : exprs) {
    for (const std::string var : {"$__rate_interval", "$__interval", "$__range"}) {
      for (auto at = e.find(var); at != std::string::npos; at = e.find(var)) {
        e.replace(at, var.size(), range);
      }
    }
  }
  return exprs;
}

std::set<std::string> MetricNamesIn(const std::vector<std::string>& exprs) {
  const std::regex metric_re(R"re((longforge_[a-z0-9_]+))re");
  std::set<std::string> names;
  for (const auto& e : exprs) {
    const auto found = Matches(e, metric_re);
    names.insert(found.begin(), found.end());
  }
  return names;
}

TEST(OpsPrometheus, PromtoolAcceptsTheScrapeConfigsAndRules) {
  REQUIRE_PROMETHEUS();
  auto r = Promtool({"check", "config", kOps + "/prometheus/prometheus.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Promtool({"check", "rules", kOps + "/prometheus/alerts.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Promtool({"test", "rules", kOps + "/prometheus/alerts_test.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // The compose Prometheus finds alerts.yml beside its config, as mounted in the container.
  const std::string dir = TempDir();
  fs::copy_file(kOps + "/compose/prometheus.yml", dir + "/prometheus.yml");
  fs::copy_file(kOps + "/prometheus/alerts.yml", dir + "/alerts.yml");
  r = Promtool({"check", "config", dir + "/prometheus.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(OpsPrometheus, EveryAlertHasAUnitTest) {
  const auto alerts =
      Matches(Slurp(kOps + "/prometheus/alerts.yml"), std::regex(R"(- alert: (\w+))"));
  const auto tested =
      Matches(Slurp(kOps + "/prometheus/alerts_test.yml"), std::regex(R"(alertname: (\w+))"));
  EXPECT_EQ(alerts.size(), 6u);
  EXPECT_EQ(alerts, tested);
  // Each names only exported metrics (and Prometheus's own `up`).
  const auto families = MetricsInSource();
  for (const auto& m : MetricNamesIn({Slurp(kOps + "/prometheus/alerts.yml")})) {
    EXPECT_TRUE(Exported(m, families)) << m << " is not registered anywhere in the code";
  }
}

TEST(OpsGrafana, EveryQueryParsesAndNamesOnlyExportedMetrics) {
  REQUIRE_PROMETHEUS();
  const auto exprs = DashboardExprs("5m");
  ASSERT_GE(exprs.size(), 10u);
  // promtool has no query parser of its own: each expression becomes a recording rule.
  const std::string rules = TempDir() + "/dashboard_rules.yml";
  {
    std::ofstream out(rules);
    out << "groups:\n  - name: dashboard\n    rules:\n";
    for (std::size_t i = 0; i < exprs.size(); ++i) {
      out << "      - record: dashboard:expr_" << i
          << "\n        expr: " << nlohmann::json(exprs[i]).dump() << "\n";
    }
  }
  const auto r = Promtool({"check", "rules", rules});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << Slurp(rules);

  const auto families = MetricsInSource();
  EXPECT_TRUE(families.count("longforge_filter_decisions_total")) << "source scan found nothing";
  for (const auto& m : MetricNamesIn(exprs)) {
    EXPECT_TRUE(Exported(m, families)) << m << " is not registered anywhere in the code";
  }
  // The dashboard and the provisioned datasource agree on its uid.
  const auto dash = Slurp(kOps + "/grafana/dashboards/longforge.json");
  const auto datasource = Slurp(kOps + "/grafana/provisioning/datasources/prometheus.yml");
  EXPECT_NE(dash.find("\"uid\": \"longforge-prometheus\""), std::string::npos);
  EXPECT_NE(datasource.find("uid: longforge-prometheus"), std::string::npos);
}

TEST(OpsCompose, CreatesEveryTopicWithItsPartitions) {
  const auto compose = Slurp(kOps + "/compose/docker-compose.yml");
  ASSERT_FALSE(compose.empty());
  for (const auto& t : kafka::AllTopics()) {
    const std::string line = "create " + std::string(t.name) + " " + std::to_string(t.partitions);
    EXPECT_NE(compose.find(line), std::string::npos) << "missing: " << line;
  }
  for (const auto& stage : kStages) {
    EXPECT_NE(compose.find("\"" + stage + "\""), std::string::npos) << stage;
  }
}

// A questioner must own partition p of both of its inputs: the range assignor gives
// equal-sized topics the same split, so their partition counts must stay equal.
TEST(OpsCompose, CreditsArePartitionedLikeTheDocumentsTheyBelongTo) {
  std::map<std::string, int> partitions;
  for (const auto& t : kafka::AllTopics()) partitions[t.name] = t.partitions;
  EXPECT_EQ(partitions.at(kafka::kRelevanceCredits), partitions.at(kafka::kMapped));
  EXPECT_EQ(partitions.at(kafka::kSubquestions), partitions.at(kafka::kMapped));
}

// The `command` list of a compose service, e.g. {"worker", "relevance", ...}.
std::vector<std::string> ServiceCommand(const std::string& compose, const std::string& service) {
  std::smatch m;
  const std::regex block("\n  " + service + ":\n(?:    .*\n)*?    command: \\[([^\\]]*)\\]");
  if (!std::regex_search(compose, m, block)) return {};
  std::vector<std::string> out;
  const std::string list = m[1].str();
  const std::regex quoted("\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), quoted);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

// Every stage that calls an LLM is given one in compose: the shared x-worker
// environment carries every LLM variable, and the image's entry point turns them into
// that stage's flags (run here under sh with echo standing in for longforge).
TEST(OpsCompose, EveryLlmStageServiceGetsItsLlmFlags) {
  const auto compose = Slurp(kOps + "/compose/docker-compose.yml");
  ASSERT_FALSE(compose.empty());
  const std::map<std::string, std::string> prefix = {{"mapper", "map"},
                                                     {"questioner", "question"},
                                                     {"relevance", "relevance"},
                                                     {"answer", "answer"},
                                                     {"filter", "judge"}};
  std::vector<std::string> env = {"env",
                                  "-i",
                                  "PATH=/usr/bin:/bin",
                                  "LONGFORGE_BIN=echo",
                                  "LONGFORGE_LLM_URL=http://all:8000/v1",
                                  "LONGFORGE_LLM_MODEL=all-model"};
  for (const auto& [stage, flag] : prefix) {
    std::string var = flag;
    std::transform(var.begin(), var.end(), var.begin(), ::toupper);
    for (const std::string kind : {"URL", "MODEL"}) {
      const std::string name = "LONGFORGE_" + var + "_LLM_" + kind;
      EXPECT_NE(compose.find("    " + name + ": ${" + name + ":-}\n"), std::string::npos)
          << name << " is not passed to the workers";
      env.push_back(name + "=" + flag + "-" + kind);
    }
  }
  env.push_back("sh");
  env.push_back(kOps + "/compose/longforge-stage");
  for (const auto& stage : kStages) {
    const auto command = ServiceCommand(compose, stage);
    ASSERT_GE(command.size(), 1u) << "no command for the " << stage << " service";
    auto argv = env;
    argv.insert(argv.end(), command.begin(), command.end());
    const auto r = RunCommand(argv, 30s);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const bool calls_llm = prefix.contains(stage);
    EXPECT_EQ(r.out.find("--llm-url http://all:8000/v1 --llm-model all-model") != std::string::npos,
              calls_llm)
        << stage << ": " << r.out;
    if (!calls_llm) continue;
    const std::string& own = prefix.at(stage);
    EXPECT_NE(r.out.find("--" + own + "-llm-url " + own + "-URL --" + own + "-llm-model " + own +
                         "-MODEL"),
              std::string::npos)
        << stage << ": " << r.out;
  }
}

// The runtime image installs, by package, every library the binary links directly
// (its NEEDED entries), except those debian:12-slim already has.
TEST(OpsCompose, RuntimeImageInstallsEveryLinkedLibrary) {
  const std::string script = R"(bin="$1"
for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path=$(ldd "$bin" | awk -v l="$lib" '$1 == l { print $3 }')
  real=$(readlink -f "$path")
  dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || echo "unowned:$lib"
done | cut -d: -f1 | sort -u)";
  LF_REQUIRE_PROGRAMS("readelf", "dpkg", "ldd", "awk");
  const auto found = RunCommand({"bash", "-c", script, "owners", LongforgeBinary()}, 60s);
  ASSERT_EQ(found.exit_code, 0) << found.err;
  const std::string dockerfile = Slurp(kOps + "/compose/Dockerfile");
  const std::string runtime = dockerfile.substr(dockerfile.find("FROM debian:12-slim"));
  std::set<std::string> in_base = {"libc6", "libgcc-s1", "libstdc++6"};
#ifdef LONGFORGE_SANITIZED
  // The sanitizer runtimes are linked into the test build only, never into the image.
  in_base.insert({"libasan8", "libubsan1"});
#endif
  std::istringstream packages(found.out);
  int checked = 0;
  for (std::string pkg; std::getline(packages, pkg);) {
    if (pkg.empty() || in_base.contains(pkg)) continue;
    ++checked;
    EXPECT_TRUE(std::regex_search(runtime, std::regex("\\s" + pkg + "\\s")))
        << pkg << " (linked by longforge) is not installed by the runtime stage";
  }
  EXPECT_GT(checked, 5) << found.out;
}

// --- Real scrapes ---------------------------------------------------------------------

// The answer declines for question 1 of every document (an empty answer, rejected
// by the filter) and answers the others.
FakeReply Script(const FakeRequest& r, std::chrono::milliseconds relevance_delay) {
  return CargoScript(r, relevance_delay, "x1 carry");
}

// Polls `promql` until it equals `expected` (scrapes lag the counters by up to an
// interval); fails with the last value otherwise.
void ExpectEventually(const PrometheusServer& prom, const std::string& promql, double expected) {
  std::optional<double> got;
  std::string error;
  WaitFor(
      [&] {
        got = prom.Scalar(promql, &error);
        return got && *got == expected;
      },
      20s);
  if (got) {
    EXPECT_EQ(*got, expected) << promql;
  } else {
    ADD_FAILURE() << error;
  }
}

std::size_t CountLines(const std::string& path) { return ReadLines(path).size(); }

std::map<std::string, double> ReasonsIn(const std::string& rejected_path) {
  std::map<std::string, double> reasons;
  for (const auto& line : ReadLines(rejected_path)) {
    // Held in a variable: a range-for over a member of parse()'s temporary would read
    // it after it is destroyed (AddressSanitizer found that here).
    const auto record = nlohmann::json::parse(line);
    for (const auto& r : record["meta"]["reasons"]) reasons[r.get<std::string>()] += 1;
  }
  return reasons;
}

TEST(OpsScrape, PrometheusReadsTheCountersOfSeparateWorkers) {
  REQUIRE_PROMETHEUS();
  LF_REQUIRE_PROGRAMS("kcat");
  const std::string dir = TempDir();
  FakeLlmServer llm([](const FakeRequest& r) { return Script(r, 0ms); });
  Cluster cluster(dir);
  std::string error;
  ASSERT_TRUE(cluster.StartBroker(error)) << error;
  std::map<std::string, std::string> jobs;
  for (const auto& stage : kStages) {
    const int port = FreePort();
    jobs["longforge-" + stage] = "127.0.0.1:" + std::to_string(port);
    std::vector<std::string> extra;
    if (stage == "relevance" || stage == "answer") {
      extra = {"--llm-url", llm.base_url(), "--llm-model", "fake-model"};
    }
    cluster.StartWorker(stage, port, extra);
  }
  auto prom = PrometheusServer::Start(dir + "/prometheus", jobs, "1s", error);
  ASSERT_NE(prom, nullptr) << error;

  constexpr int kDocs = 3, kQuestions = 3;
  WriteSyntheticDocuments(dir + "/docs.jsonl", kDocs, kQuestions, 30);
  const auto ingested = cluster.Ingest({dir + "/docs.jsonl"});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  // One message the chunker cannot read: it goes to lf.dlq and is counted there.
  const auto bad = RunCommand({"kcat", "-P", "-b", cluster.brokers(), "-t", "lf.documents"}, 30s,
                              "this is not json\n");
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  ASSERT_TRUE(WaitFor([&] { return cluster.Written() >= kDocs * kQuestions; }, 90s))
      << "written " << cluster.Written() << "\n"
      << cluster.Logs();

  const double accepted = CountLines(cluster.out() + "/dataset.jsonl");
  const double rejected = CountLines(cluster.out() + "/rejected.jsonl");
  ASSERT_EQ(accepted, 6);  // question 1 of each document is declined by the fake LLM
  ASSERT_EQ(rejected, 3);
  ExpectEventually(*prom, R"(count(up{job=~"longforge-.*"} == 1))", kStages.size());
  ExpectEventually(*prom, "sum(longforge_chunker_documents_total)", kDocs);
  ExpectEventually(*prom, R"(sum(longforge_messages_consumed_total{worker="chunker"}))", kDocs + 1);
  ExpectEventually(*prom, R"(sum(longforge_messages_dead_lettered_total{worker="chunker"}))", 1);
  ExpectEventually(*prom, R"(sum(longforge_filter_decisions_total{decision="accept"}))", accepted);
  ExpectEventually(*prom,
                   R"(sum(longforge_messages_produced_total{worker="filter",topic="lf.rejected"}))",
                   rejected);
  for (const auto& [reason, n] : ReasonsIn(cluster.out() + "/rejected.jsonl")) {
    ExpectEventually(
        *prom,
        R"(sum(longforge_filter_decisions_total{decision="reject",reason=")" + reason + R"("}))",
        n);
  }
  ExpectEventually(*prom, R"(sum(longforge_messages_consumed_total{worker="sink"}))",
                   accepted + rejected);
  for (const std::string stage : {"relevance", "answer", "keywords"}) {
    ExpectEventually(*prom,
                     R"(sum(longforge_llm_requests_total{outcome="ok",stage=")" + stage + R"("}))",
                     llm.request_count(stage));
  }
  EXPECT_GT(llm.request_count("relevance"), kDocs * kQuestions);

  // The dashboard's queries run on this Prometheus, and every metric they name was
  // scraped (lag appears with the first librdkafka statistics, 5 s in).
  const auto wanted = MetricNamesIn(DashboardExprs("1m"));
  std::set<std::string> missing;
  WaitFor(
      [&] {
        const auto scraped = prom->MetricNames();
        missing.clear();
        for (const auto& m : wanted) {
          if (!scraped.count(m)) missing.insert(m);
        }
        return missing.empty();
      },
      20s);
  for (const auto& m : missing) ADD_FAILURE() << m << " is in the dashboard but was not scraped";
  for (const auto& e : DashboardExprs("1m")) {
    const auto j = nlohmann::json::parse(prom->Api("query", {{"query", e}}), nullptr, false);
    EXPECT_TRUE(j.is_object() && j.value("status", "") == "success") << e << "\n" << j.dump();
  }
  // Tokens per accepted sample comes out as a number.
  std::string why;
  const auto per_sample = prom->Scalar(
      R"(sum(longforge_llm_tokens_total) / sum(longforge_messages_produced_total{worker="filter",topic="lf.dataset"}))",
      &why);
  ASSERT_TRUE(per_sample) << why;
  EXPECT_GT(*per_sample, 0);
}

// A value from the run's summary ("  accepted:       12").
double SummaryValue(const std::string& out, const std::string& key) {
  std::smatch m;
  const std::regex re("\\n  " + key + ":\\s+([0-9]+)");
  if (!std::regex_search(out, m, re)) {
    ADD_FAILURE() << key << " not in the summary:\n" << out;
    return -1;
  }
  return std::stod(m[1].str());
}

TEST(OpsScrape, PrometheusCountersMatchTheRunSummary) {
  REQUIRE_PROMETHEUS();
  const std::string dir = TempDir();
  // Slow relevance replies make each document take a few scrape intervals; with one
  // document open at a time, every scrape after the last document started has seen all
  // the ones before it end.
  FakeLlmServer llm([](const FakeRequest& r) { return Script(r, 100ms); });
  const int port = FreePort();
  std::string error;
  auto prom = PrometheusServer::Start(
      dir + "/prometheus", {{"longforge-run", "127.0.0.1:" + std::to_string(port)}}, "1s", error);
  ASSERT_NE(prom, nullptr) << error;

  constexpr int kDocs = 4, kQuestions = 2;
  WriteSyntheticDocuments(dir + "/docs.jsonl", kDocs, kQuestions, 30);
  const auto run = RunCommand({LongforgeBinary(),
                               "run",
                               "--input",
                               dir + "/docs.jsonl",
                               "--out",
                               dir + "/out",
                               "--store",
                               dir + "/store",
                               "--no-progress",
                               "--no-cache",
                               "--chunk-tokens",
                               "64",
                               "--max-open-documents",
                               "1",
                               "--metrics-port",
                               std::to_string(port),
                               "--llm-url",
                               llm.base_url(),
                               "--llm-model",
                               "fake-model",
                               "--llm-concurrency",
                               "4"},
                              120s);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const double documents = SummaryValue(run.out, "documents");
  const double accepted = SummaryValue(run.out, "accepted");
  const double rejected = SummaryValue(run.out, "rejected");
  ASSERT_EQ(documents, kDocs);
  ASSERT_EQ(accepted + rejected, kDocs * kQuestions);

  // The run has exited: its series are stale, so read the highest value scraped.
  const auto last = [&](const std::string& selector) {
    std::string why;
    const auto v = prom->Scalar("sum(max_over_time(" + selector + "[10m]))", &why);
    EXPECT_TRUE(v) << why << "\n" << prom->Logs();
    return v.value_or(-1);
  };
  EXPECT_EQ(last(R"(up{job="longforge-run"})"), 1);
  // Final long before the run ended, so exact.
  EXPECT_EQ(last("longforge_chunker_documents_total"), documents);
  EXPECT_EQ(last(R"(longforge_messages_consumed_total{worker="chunker"})"), documents);
  // Final only at the very end, which the last scrape may miss by up to one document.
  const double seen_accepted = last(R"(longforge_filter_decisions_total{decision="accept"})");
  const double seen_rejected =
      last(R"(longforge_messages_produced_total{worker="filter",topic="lf.rejected"})");
  EXPECT_LE(seen_accepted, accepted);
  EXPECT_LE(seen_rejected, rejected);
  EXPECT_GE(seen_accepted + seen_rejected, accepted + rejected - kQuestions);
  const double seen_relevance =
      last(R"(longforge_llm_requests_total{stage="relevance",outcome="ok"})");
  EXPECT_LE(seen_relevance, llm.request_count("relevance"));
  EXPECT_GE(seen_relevance, llm.request_count("relevance") * (kDocs - 1) / kDocs);
}

}  // namespace
}  // namespace longforge::testing
