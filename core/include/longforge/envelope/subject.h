#pragma once
// What a message of a lf.* topic is about: its document, and its task when it concerns
// one. Read from those few fields alone, so that a message dead-lettered for any other
// fault still says which document or task ended with it.

#include <string>
#include <string_view>

#include "longforge/common/error.h"

namespace longforge::envelope {

struct Subject {
  std::string doc_id;
  std::string task_id;         // empty: the message concerns the whole document
  std::string parent_task_id;  // for a Lv3 sub-question: the task it serves
};

// `bytes` must be a JSON object with either a "task" object (string "task_id" and
// "doc_id", optional string "parent_task_id": relevance results, answers, samples) or a
// string "doc_id" (documents, chunk events, ledgers). Never throws: anything else,
// such as a task_id that is not a string, is a kDeadLetter error naming the field.
Result<Subject> DecodeSubject(std::string_view bytes);

}  // namespace longforge::envelope
