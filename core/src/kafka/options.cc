#include "longforge/kafka/options.h"

#include <array>

namespace longforge::kafka {
namespace {

Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  std::array<char, 512> err{};
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err.data(), err.size()) !=
      RD_KAFKA_CONF_OK) {
    return Error::Stop("kafka property " + key + "=" + value + ": " + err.data());
  }
  return {};
}

}  // namespace

std::vector<std::string> KafkaOptions::Validate() const {
  std::vector<std::string> problems;
  if (brokers.empty()) problems.emplace_back("no brokers: pass --brokers or set LONGFORGE_BROKERS");
  if (linger_ms < 0) problems.emplace_back("producer linger must be >= 0 ms");
  for (const auto& [key, value] : properties) {
    if (key.empty()) problems.emplace_back("-X with an empty property name");
  }
  return problems;
}

Result<std::pair<std::string, std::string>> ParseProperty(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Error::Stop("-X " + arg + ": expected key=value");
  }
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

Result<KafkaConf> MakeConf(const KafkaOptions& options, Role role) {
  KafkaConf conf(rd_kafka_conf_new());
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", options.brokers},
      {"log_level", "4"},
  };
  switch (role) {
    case Role::kProducer:
      props.insert(props.end(), {{"client.id", options.client_id + "-producer"},
                                 {"enable.idempotence", "true"},
                                 {"acks", "all"},
                                 {"linger.ms", std::to_string(options.linger_ms)},
                                 {"message.max.bytes", "1000000"}});
      break;
    case Role::kConsumer:
      props.insert(props.end(), {{"client.id", options.client_id + "-consumer"},
                                 {"enable.auto.commit", "false"},
                                 {"enable.auto.offset.store", "false"},
                                 {"auto.offset.reset", "earliest"},
                                 {"fetch.wait.max.ms", "5"},
                                 {"session.timeout.ms", "6000"},
                                 {"heartbeat.interval.ms", "1000"},
                                 {"max.poll.interval.ms", "600000"},
                                 {"enable.partition.eof", "false"},
                                 // Co-partitioning: a questioner must own partition p of
                                 // lf.chunked and of lf.relevance.credits together (the
                                 // credits of the documents it fans out). Range assigns
                                 // equal-sized topics alike; round-robin would not.
                                 {"partition.assignment.strategy", "range"}});
      break;
  }
  if (options.embedded) props.emplace_back("topic.metadata.refresh.interval.ms", "100");
  props.insert(props.end(), options.properties.begin(), options.properties.end());
  for (const auto& [key, value] : props) {
    if (auto s = Set(conf.get(), key, value); !s) return s.error();
  }
  return conf;
}

}  // namespace longforge::kafka
