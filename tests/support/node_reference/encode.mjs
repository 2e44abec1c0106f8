// Reference encoder that longforge's exact BPE tokenizer is compared against.
//
//   node encode.mjs --kind cl100k|qwen3 --tokenizer PATH [--bench N] FILE|- [FILE...]
//
// Prints the token ids of each FILE on one line, space separated (an empty line for an
// empty file), in the order given. With --bench N it instead
// encodes the text N times and prints "tokens cpu_seconds first_cpu_seconds": the CPU
// time (user + system) of the fastest of the N runs and of the first run, load time
// excluded, which bench/tokenizer_vs_tiktoken.sh uses.
//
// The file is decoded as UTF-8 with invalid bytes replaced by U+FFFD (WHATWG rules, the
// same as longforge) and a leading BOM kept as a character. Special tokens in the text
// are plain text, as in longforge's Count: cl100k is called with no allowed and no
// disallowed specials, and qwen3 is built without its special added tokens.
import fs from "node:fs";
import path from "node:path";
import { Tiktoken } from "js-tiktoken/lite";
import { TokenizerLoader } from "@lenml/tokenizers";

function usage(message) {
  process.stderr.write(`encode.mjs: ${message}\n`);
  process.stderr.write("usage: node encode.mjs --kind cl100k|qwen3 --tokenizer PATH [--bench N] FILE|- [FILE...]\n");
  process.exit(2);
}

function parseArgs(argv) {
  const args = { kind: null, tokenizer: null, bench: 0, files: [] };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === "--kind") args.kind = argv[++i];
    else if (a === "--tokenizer") args.tokenizer = argv[++i];
    else if (a === "--bench") args.bench = Number.parseInt(argv[++i], 10);
    else args.files.push(a);
  }
  if (args.kind !== "cl100k" && args.kind !== "qwen3") usage("--kind must be cl100k or qwen3");
  if (!args.tokenizer) usage("--tokenizer PATH is required");
  if (args.files.length === 0) usage("FILE (or - for stdin) is required");
  return args;
}

function loadTiktoken(file) {
  const meta = JSON.parse(fs.readFileSync(file.replace(/\.tiktoken$/, ".meta.json"), "utf8"));
  const lines = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.length === 0) continue;
    const [token, rank] = line.split(" ");
    lines.push(`! ${rank} ${token}`);
  }
  const enc = new Tiktoken({
    pat_str: meta.pat_str,
    special_tokens: meta.special_tokens,
    bpe_ranks: lines.join("\n"),
  });
  return (text) => enc.encode(text, [], []);
}

function loadQwen(file) {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  json.added_tokens = (json.added_tokens ?? []).filter((t) => !t.special);
  const configPath = path.join(path.dirname(file), "tokenizer_config.json");
  const config = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : {};
  delete config.added_tokens_decoder;
  const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config });
  return (text) => tok.encode(text, { add_special_tokens: false });
}

function readText(file) {
  const bytes = fs.readFileSync(file === "-" ? 0 : file);
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
}

const args = parseArgs(process.argv.slice(2));
const encode = args.kind === "cl100k" ? loadTiktoken(args.tokenizer) : loadQwen(args.tokenizer);

if (args.bench > 0) {
  const text = readText(args.files[0]);
  let best = Infinity;
  let first = 0;
  let tokens = 0;
  for (let i = 0; i < args.bench; ++i) {
    const start = process.cpuUsage();
    tokens = encode(text).length;
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    if (i === 0) first = seconds;
    best = Math.min(best, seconds);
  }
  process.stdout.write(`${tokens} ${best} ${first}\n`);
} else {
  for (const file of args.files) process.stdout.write(encode(readText(file)).join(" ") + "\n");
}
