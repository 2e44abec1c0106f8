#include "longforge/envelope/subject.h"

#include "json_fields.h"

namespace longforge::envelope {

Result<Subject> DecodeSubject(std::string_view bytes) {
  const json j = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::DeadLetter("not valid JSON");
  if (!j.is_object()) return Error::DeadLetter("not a JSON object");
  Subject s;
  try {
    const auto task = j.find("task");
    if (task == j.end()) {
      if (!j.contains("doc_id")) return Error::DeadLetter("names neither a task nor a doc_id");
      Required(j, "doc_id", s.doc_id);
      return s;
    }
    if (!task->is_object()) throw FieldError("field \"task\" is not an object");
    Required(*task, "task_id", s.task_id);
    Required(*task, "doc_id", s.doc_id);
    Optional(*task, "parent_task_id", s.parent_task_id);
  } catch (const FieldError& e) {
    return Error::DeadLetter(e.what());
  }
  return s;
}

}  // namespace longforge::envelope
