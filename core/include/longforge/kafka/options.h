#pragma once
// Connection settings shared by every Kafka client of a process.

#include <string>
#include <utility>
#include <vector>

#include "longforge/common/error.h"
#include "longforge/common/handles.h"

namespace longforge::kafka {

struct KafkaOptions {
  // bootstrap.servers; from --brokers or LONGFORGE_BROKERS. Empty = not set.
  std::string brokers;
  // kcat-style `-X key=value` librdkafka properties; applied last, so they win.
  std::vector<std::pair<std::string, std::string>> properties;
  // client.id prefix; the role ("producer", "consumer") is appended.
  std::string client_id = "longforge";
  // Talking to the embedded mock cluster: refresh metadata every 100 ms. Measured:
  // with librdkafka's default each hop of the pipeline waits about a second on the
  // mock; a real cluster does not need it.
  bool embedded = false;
  // Producer linger.ms: how long a message may wait to share a request with others.
  // librdkafka's 5 added ~4 ms to every hop of a question; bursts (a document's
  // relevance requests) batch anyway because they queue faster than they are sent,
  // and at 1 the CPU per LLM call stayed within run-to-run noise (~+5%). -X overrides.
  int linger_ms = 1;

  // Every problem at once, one per line; empty when valid.
  std::vector<std::string> Validate() const;
};

// Parses "key=value" (as given to -X). Error names the bad argument.
Result<std::pair<std::string, std::string>> ParseProperty(const std::string& arg);

enum class Role { kProducer, kConsumer };

// Builds an rd_kafka_conf_t with longforge's defaults for `role` (idempotent producer
// with acks=all; manual-commit consumer with small fetch waits, which the embedded
// broker needs), then the user's properties. Error names the property librdkafka refused.
Result<KafkaConf> MakeConf(const KafkaOptions& options, Role role);

}  // namespace longforge::kafka
