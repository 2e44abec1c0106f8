#include "workers/sink/sink_stage.h"

#include "longforge/kafka/topics.h"
#include "workers/sink/dataset_stats.h"

namespace longforge::workers {
namespace {

class BuiltSink final : public kafka::BasicStage {
 public:
  BuiltSink(const SinkStageOptions& options, std::size_t in_flight)
      : BasicStage(SinkStage::kId, {kafka::kDataset, kafka::kRejected}, in_flight),
        out_dir_(options.sink.out_dir),
        order_by_length_(options.order_by_length) {}
  Status Finish() override {
    if (!order_by_length_) return {};
    return SortDatasetByLength(out_dir_);
  }

 private:
  std::string out_dir_;
  bool order_by_length_;
};

}  // namespace

std::vector<std::string> SinkStage::Validate(const Options& options, const llm::LlmConfig&) {
  return options.sink.Validate();
}

Result<std::unique_ptr<kafka::Stage>> SinkStage::Build(const Options& options,
                                                       const kafka::StageContext& c) {
  auto s = std::make_unique<BuiltSink>(options, kafka::DefaultInFlight(c.max_in_flight, false, 0));
  auto* probe = s->Own(std::make_unique<SinkProbe>(c.registry));
  auto sink = SinkWorker::Open(options.sink, c.store, probe, &c.counter);
  if (!sink) return sink.error();
  s->SetHandler(std::move(sink.value()));
  return std::unique_ptr<kafka::Stage>(std::move(s));
}

}  // namespace longforge::workers
