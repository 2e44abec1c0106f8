#pragma once
// Document text inside a prompt. Documents come from anyone and may say "ignore your
// instructions"; prompts put them between tags and tell the model that what is inside is
// material to read, never instructions. That is a request a model may still disobey, so
// decisions are checked after it too (quote grounding, the filter); what the delimiting
// does guarantee is that the text cannot end its own block.

#include <string>
#include <string_view>

namespace longforge::llm {

// "<tag>\n" + text + "\n</tag>", where every "<tag" and "</tag" inside `text` (any case,
// so also "</PASSAGE >") has its '<' replaced by U+2039 '‹', so only the block's own tags
// open and close it. `tag` is lower-case ASCII letters. Pure, thread-safe.
std::string DataBlock(std::string_view tag, std::string_view text);

}  // namespace longforge::llm
