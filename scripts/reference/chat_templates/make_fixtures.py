"""Golden renderings for the Swift chat-template renderer (Tests/TokenizersTests/ChatTemplate*).

Renders every template in templates/ (written for these tests, in the styles of Llama-2,
Llama-3, Mistral, Qwen2/ChatML, Zephyr, Phi-3 and Gemma, plus one template per feature group)
on every conversation below, with and without the generation prompt, through transformers'
own `render_jinja_template` (Jinja2's immutable sandbox, trim_blocks, lstrip_blocks,
raise_exception, strftime_now, json.dumps as tojson). `strftime_now` sees a fixed clock,
2024-07-26 15:04:05, which the Swift tests pass as UTC. Also records templates that Jinja2
rejects, with the line it names.

Run: scripts/reference/make-fixtures.sh (or this script alone with its venv's python)
Writes Tests/Fixtures/chat_templates/<template>.json and malformed.json."""
import datetime as dt
import json
import os

import jinja2
from transformers.utils import chat_template_utils

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "chat_templates")

FIXED_NOW = dt.datetime(2024, 7, 26, 15, 4, 5)


class FixedClock(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED_NOW


# strftime_now calls datetime.now(); pin it so the goldens do not depend on the day they are made.
chat_template_utils.datetime = FixedClock

SPECIAL_TOKENS = {
    "llama2": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "mistral": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
    "chatml": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "zephyr": {"bos_token": "<s>", "eos_token": "</s>"},
    "phi3": {"bos_token": "<s>", "eos_token": "<|endoftext|>"},
    "gemma": {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>"},
}
DEFAULT_TOKENS = {"bos_token": "<s>", "eos_token": "</s>"}

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city — in °C.",
        "parameters": {
            "type": "object",
            "properties": {"unit": {"type": "string", "enum": ["c", "f"]}, "city": {"type": "string"}},
            "required": ["city"],
        },
    },
}

# (name, messages, extra template variables)
CONVERSATIONS = [
    ("user_only", [{"role": "user", "content": "Hello there"}], {}),
    ("system_user", [SYSTEM, {"role": "user", "content": "What is 2+2?"}], {}),
    ("multi_turn", [SYSTEM, {"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hello! How can I help?"},
                    {"role": "user", "content": "Tell me a joke."}], {}),
    ("multi_turn_no_system", [{"role": "user", "content": "First question"}, {"role": "assistant", "content": "First answer"},
                              {"role": "user", "content": "Second question"}, {"role": "assistant", "content": "Second answer"}], {}),
    ("empty_content", [{"role": "system", "content": ""}, {"role": "user", "content": ""}], {}),
    ("empty_assistant", [{"role": "user", "content": "Say nothing"}, {"role": "assistant", "content": ""},
                         {"role": "user", "content": "ok"}], {}),
    ("unicode", [{"role": "system", "content": "Réponds en français. 日本語も可。"},
                 {"role": "user", "content": "Héllo — 你好 👋🏽 e\u0301 ß İ \u2028 «quotes» 'single' \"double\""},
                 {"role": "assistant", "content": "Ünïcödé… ok\u00a0!"}], {}),
    ("whitespace", [{"role": "user", "content": "  padded \n\n text\t "},
                    {"role": "assistant", "content": "\n line one\n  line two  \n"}, {"role": "user", "content": "\tTAB"}], {}),
    ("thinking", [{"role": "user", "content": "Think first"},
                  {"role": "assistant", "content": "<think>\nscratch\n</think>\n\nThe answer"},
                  {"role": "user", "content": "<tool_response>42</tool_response>"}], {"enable_thinking": False}),
    ("tools", [{"role": "user", "content": "Weather in Paris?"},
               {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {
                   "name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}}]},
               {"role": "user", "content": "Thanks"}], {"tools": [WEATHER_TOOL]}),
    ("named", [{"role": "user", "content": "lower case only", "name": "alice"},
               {"role": "assistant", "content": "UPPER CASE", "name": "bot"}], {"date_string": "01 Jan 2025"}),
    ("bad_alternation", [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}], {}),
    ("system_only", [SYSTEM], {}),
]

# Templates Jinja2 rejects, each with the line its error names.
MALFORMED = {
    "unclosed_if": "{% if messages %}\nno end",
    "unclosed_for": "line\n{% for m in messages %}{{ m }}",
    "unknown_tag": "a\nb\n{% frobnicate %}",
    "bad_expression": "{{ 1 + }}",
    "unclosed_variable": "text\n{{ messages",
    "unclosed_comment": "{# never closed",
    "unbalanced_paren": "\n{{ (1 + 2 }}",
    "stray_endif": "ok\n{% endif %}",
    "unterminated_string": "{{ 'abc }}",
    "unknown_filter": "\n\n{{ messages | frobnicate }}",
    "unknown_test": "{% if messages is frobnicated %}x{% endif %}",
    "break_outside_loop": "{% break %}",
    "else_after_endif": "{% if true %}a{% endif %}{% else %}",
}


def render(source, messages, extra, tokens, add_generation_prompt):
    rendered, _ = chat_template_utils.render_jinja_template(
        conversations=[messages], tools=extra.get("tools"), chat_template=source,
        add_generation_prompt=add_generation_prompt,
        **{k: v for k, v in extra.items() if k != "tools"}, **tokens)
    return rendered[0]


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sorted(f[:-6] for f in os.listdir(os.path.join(HERE, "templates")) if f.endswith(".jinja"))
    total = errors = 0
    for name in names:
        with open(os.path.join(HERE, "templates", name + ".jinja"), encoding="utf-8") as f:
            source = f.read()
        tokens = SPECIAL_TOKENS.get(name, DEFAULT_TOKENS)
        cases = []
        for conversation, messages, extra in CONVERSATIONS:
            for add in (False, True):
                case = {"conversation": conversation, "add_generation_prompt": add,
                        "variables": {"messages": messages, "tools": extra.get("tools"), "documents": None,
                                      "add_generation_prompt": add, **{k: v for k, v in extra.items() if k != "tools"},
                                      **tokens}}
                try:
                    case["expected"] = render(source, messages, extra, tokens, add)
                except Exception as e:  # raise_exception, undefined values, type errors: all are goldens
                    case["error"] = f"{type(e).__name__}: {e}"
                    errors += 1
                cases.append(case)
                total += 1
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump({"template": name, "source": source, "now": FIXED_NOW.isoformat(), "cases": cases},
                      f, ensure_ascii=False, indent=1)
            f.write("\n")
    malformed = []
    for name, source in MALFORMED.items():
        try:
            render(source, [{"role": "user", "content": "x"}], {}, DEFAULT_TOKENS, False)
            raise SystemExit(f"malformed template {name} rendered without an error")
        except jinja2.TemplateSyntaxError as e:
            malformed.append({"name": name, "source": source, "line": e.lineno, "error": e.message})
        except Exception as e:  # e.g. a Python SyntaxError for break outside a loop
            malformed.append({"name": name, "source": source, "line": None, "error": f"{type(e).__name__}: {e}"})
    with open(os.path.join(OUT, "malformed.json"), "w", encoding="utf-8") as f:
        json.dump(malformed, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(names)} templates, {total} renderings ({errors} raise), {len(malformed)} malformed -> {OUT}")


if __name__ == "__main__":
    main()
